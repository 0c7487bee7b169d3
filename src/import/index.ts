export { importLocustConfig, ImportError, type LocustImport, type LocustImportInput } from './locust-plan.js';
export { parseLocustConfig, type LocustPhase, type LocustUserType } from './locust-config.js';
export { parseTextFormat, tokenize, TextFormatError, type MessageSpec, type FieldSpec, type TextMessage, type Position } from './text-format.js';
