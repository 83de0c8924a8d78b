// What other resources use of attributes (attribute values: the definitions they are checked
// against). Only this module is imported from outside the folder (.dependency-cruiser.cjs).

export { attributeNameKey, attributesOf, type AttributeRow } from './queries.js'
