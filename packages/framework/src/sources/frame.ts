/**
 * One captured frame as a source hands it to the pipeline.
 *
 * Sources reuse a single Frame object and the buffer behind it: a Frame and its bytes are
 * valid only during the `onFrame` call. Copy (`copyFrame`) whatever must outlive the call.
 */
export interface Frame {
  /** Buffer that holds the frame; the frame is `data[offset, offset + caplen)`. */
  data: Buffer;
  offset: number;
  /** Bytes captured. */
  caplen: number;
  /** Bytes on the wire (caplen < wireLen for a truncated frame). */
  wireLen: number;
  /** Capture time: whole seconds since the epoch. */
  tsSec: number;
  /** Capture time: nanoseconds within the second (0..999_999_999). */
  tsNsec: number;
  /** LINKTYPE_* value of the interface the frame was captured on. */
  linkType: number;
  /** 1-based position of the record in the input, counting every packet record. */
  index: number;
  /**
   * Where the frame's first byte is in the input file, for reading it again later (see
   * `InputFile`); -1 when the source cannot be read again (live capture).
   */
  fileOffset: number;
}

/** Receives frames in capture order. */
export type FrameHandler = (frame: Frame) => void;

/** A frame that owns its bytes: what export and tests keep. */
export interface StoredFrame {
  data: Buffer;
  wireLen: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  index: number;
}

export function copyFrame(frame: Frame, length = frame.caplen): StoredFrame {
  return {
    data: Buffer.from(frame.data.subarray(frame.offset, frame.offset + Math.min(length, frame.caplen))),
    wireLen: frame.wireLen,
    tsSec: frame.tsSec,
    tsNsec: frame.tsNsec,
    linkType: frame.linkType,
    index: frame.index,
  };
}

export function newFrame(): Frame {
  return { data: Buffer.alloc(0), offset: 0, caplen: 0, wireLen: 0, tsSec: 0, tsNsec: 0, linkType: 1, index: 0, fileOffset: -1 };
}

/** Capture time in fractional seconds (microsecond precision survives a double). */
export function frameTime(frame: { tsSec: number; tsNsec: number }): number {
  return frame.tsSec + frame.tsNsec / 1e9;
}
