// @pakeana/framework: the plugin API, what a dissector or trigger package builds on.
// The test kit is `@pakeana/framework/testing`; `@pakeana/framework/internal` is pakeana's own
// (the command line, the bundled packages) and is no part of the API: it changes without notice.
export * from './dissect/api.js';
export type { TriggerKind, Trigger, TriggerContext, SessionWatch } from './triggers/api.js';
export type { TcpSession, SessionState, TcpCounters, SessionDisplayLine } from './sessions/tcp-session.js';
export { SegmentMark, type SegmentEvent, type TcpState } from './sessions/segment-event.js';
export { SegmentClass } from './reassembly/tcp-stream.js';
export { TcpFlag } from './decode/tcp-header.js';
export { seqDiff } from './reassembly/tcp-stream.js';
export { API_VERSION } from './plugins/api-version.js';
export type { PluginModule, DissectorClass } from './plugins/plugin-module.js';
export { Tokens } from './plugins/tokens.js';
export { injectable, inject } from './plugins/injection.js';
export { lazySchema } from './config/zod.js';
export { duration, size, parseDuration, parseSize } from './config/units.js';
export { isRecord, type RecordTypes, type JsonSchema, type TriggerProblem } from './triggers/api.js';
export type { PathLayer } from './decode/encapsulation.js';
