import { appendFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

// What a clone has fetched so far, kept in a folder (docs/CLONE.md "The state folder") so that an
// interrupted clone resumes where it stopped: `state.json` says where each phase stands (the next
// page's link, or the next key), and `<phase>.ndjson` holds what the phase read, one JSON value a
// line. A checkpoint appends a request's items and then replaces state.json (written aside and
// renamed, so it is whole or old); lines appended after the last state.json are cut off on
// resume, so a request whose checkpoint did not finish is simply made again. The token is never
// written here.

const VERSION = 1

export interface PhaseState {
  done: boolean
  /** a list phase: the next page's URL (undefined before its first request) */
  next?: string
  /** a phase over keys: how many keys are done */
  index?: number
  /** why the phase was left out (the token may not read it, the source does not serve it) */
  skipped?: string
  /** length of its data file at the last checkpoint */
  bytes: number
  items: number
}

export interface StateData {
  version: typeof VERSION
  /** the source store, as printed */
  source: string
  store: string
  /** when the clone began: what dates the API does not show are set to (docs/CLONE.md) */
  started: string
  /** requests answered, over every run of this clone */
  requests: number
  phases: Record<string, PhaseState>
}

export class CloneState {
  private constructor(
    readonly dir: string,
    readonly data: StateData,
  ) {}

  /**
   * The state of a clone of `source` into `store`: a new one, or with `resume` the one in `dir`.
   * An existing state without `resume` is refused (a fresh start would throw its work away
   * unasked), as is one of another clone.
   */
  static open(dir: string, clone: { source: string; store: string; started: string; resume: boolean }): { state: CloneState; resumed: boolean } {
    const file = join(dir, 'state.json')
    if (existsSync(file)) {
      if (!clone.resume) throw new Error(`an interrupted clone left its state in ${dir}: continue it with --resume, or delete the folder to start again`)
      let data: StateData
      try {
        data = JSON.parse(readFileSync(file, 'utf8')) as StateData
      } catch {
        throw new Error(`${file} is not a clone state (not JSON): delete ${dir} to start again`)
      }
      if (data.version !== VERSION) throw new Error(`${file} is a clone state of another version: delete ${dir} to start again`)
      if (data.source !== clone.source || data.store !== clone.store) {
        throw new Error(`${dir} holds a clone of ${data.source} into store "${data.store}", not of ${clone.source} into "${clone.store}"`)
      }
      const state = new CloneState(dir, data)
      state.cutUnsaved()
      return { state, resumed: true }
    }
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new Error(`${dir} holds files but no clone state: give another --state folder`)
    }
    mkdirSync(dir, { recursive: true })
    const state = new CloneState(dir, { version: VERSION, source: clone.source, store: clone.store, started: clone.started, requests: 0, phases: {} })
    state.save()
    return { state, resumed: false }
  }

  phase(name: string): PhaseState {
    this.data.phases[name] ??= { done: false, bytes: 0, items: 0 }
    return this.data.phases[name]
  }

  /** A request's items, and where the phase stands after them, made durable together. */
  checkpoint(name: string, items: readonly unknown[], where: { next?: string; index?: number; done?: true }, requests: number): void {
    const phase = this.phase(name)
    if (items.length > 0) {
      const text = items.map((item) => `${JSON.stringify(item)}\n`).join('')
      appendFileSync(this.file(name), text)
      phase.bytes += Buffer.byteLength(text)
      phase.items += items.length
    }
    if (where.next !== undefined) phase.next = where.next
    if (where.index !== undefined) phase.index = where.index
    if (where.done) phase.done = true
    this.data.requests += requests
    this.save()
  }

  finish(name: string): void {
    this.phase(name).done = true
    this.save()
  }

  /** The phase is left out (the request that said so counted); what it read is not used. */
  skip(name: string, reason: string): void {
    Object.assign(this.phase(name), { done: true, skipped: reason })
    this.data.requests += 1
    this.save()
  }

  /** The phase's items, in the order they were read; none for a skipped phase. */
  async *items<T>(name: string): AsyncGenerator<T> {
    const phase = this.data.phases[name]
    if (!phase || phase.skipped !== undefined || phase.items === 0) return
    const lines = createInterface({ input: createReadStream(this.file(name)), crlfDelay: Infinity })
    try {
      for await (const line of lines) if (line !== '') yield JSON.parse(line) as T
    } finally {
      lines.close()
    }
  }

  /** Whether anything was fetched: a state holding nothing is not worth keeping. */
  get fetchedAnything(): boolean {
    return Object.values(this.data.phases).some((phase) => phase.items > 0 || phase.done)
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  private file(name: string): string {
    return join(this.dir, `${name}.ndjson`)
  }

  private save(): void {
    const file = join(this.dir, 'state.json')
    writeFileSync(`${file}.new`, `${JSON.stringify(this.data, null, 1)}\n`)
    renameSync(`${file}.new`, file)
  }

  /** Drops what was appended after the last state.json (a phase it does not name yet has nothing): those requests are made again. */
  private cutUnsaved(): void {
    for (const [name, phase] of Object.entries(this.data.phases)) {
      if (phase.bytes > 0 && !existsSync(this.file(name))) throw new Error(`${this.file(name)} is missing from the clone state: delete ${this.dir} to start again`)
    }
    for (const entry of readdirSync(this.dir)) {
      if (entry.endsWith('.ndjson')) truncateSync(join(this.dir, entry), this.data.phases[entry.slice(0, -'.ndjson'.length)]?.bytes ?? 0)
    }
  }
}
