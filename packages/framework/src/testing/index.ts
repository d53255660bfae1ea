// @pakeana/framework/testing: the test kit for plugin authors (and pakeana's own tests).
export {
  BUNDLED_TRIGGER_PACKAGES,
  dissectCapture,
  dissectFrames,
  type DissectedSession,
  type DissectOptions,
  type DissectResult,
} from './dissect-capture.js';
export { parseDissectorOptions } from './dissector-options.js';
export { FakeContext, fakeContext, type FakeContextOptions } from './fake-context.js';
export { bestTime, growth, LINEAR_RATIO } from './growth.js';
export {
  Conversation,
  ethernetHeader,
  ipv4Header,
  ipv6Bytes,
  ipv6Header,
  parseEndpoint,
  pcapFile,
  tcpFrame,
  type TcpFrameSpec,
  type TimedFrame,
} from './packet-builder.js';
