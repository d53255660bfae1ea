import type { z } from 'zod';
import type { Dissector } from '../dissect/api.js';
import type { JsonSchema } from '../triggers/api.js';
import { lazySchema, zod } from '../config/zod.js';

/**
 * The session record's schema (zod): what `sessionRecord` writes, field by field, with the
 * meaning and unit of each (`pakeana plugins records` prints it, docs/records.md is generated
 * from it). The records of each protocol come under the dissector's name (see
 * `sessionJsonSchema`). Built on first use: a run never needs it. Its output type is
 * `SessionRecord`'s fixed fields (checked in record-schema.test.ts).
 */
export const sessionRecordSchema = lazySchema((z) => {
  const endpoint = z
    .object({
      ip: z.string().describe('IPv4 dotted quad or IPv6 text (RFC 5952)'),
      port: z.number().int().min(0).max(65535).describe('TCP port'),
    })
    .strict();
  const count = (text: string) => z.number().int().nonnegative().describe(text);
  const seconds = (text: string) => z.number().describe(text);
  return z
    .object({
      type: z.literal('session').describe('`session`; the last record of a stream is the summary (`type: summary`)'),
      id: z.number().int().positive().describe('session number: 1 for the first session of the run, then in the order sessions started'),
      client: endpoint.describe("the side that opened the connection (the SYN's sender; a SYN-ACK seen first: its receiver; without a handshake: the other side of a port a dissector claims, else of a well-known port, else of the lower port; a dissector may swap the two early)"),
      server: endpoint.describe('the other side'),
      ipVersion: z.union([z.literal(4), z.literal(6)]).describe('IP version, 4 or 6'),
      path: z
        .array(
          z
            .object({
              type: z
                .enum(['vlan', 'pppoe', 'mpls', 'gre', 'erspan', 'vxlan', 'geneve', '4in4', '6in4', '4in6', '6in6'])
                .describe('the layer: an 802.1Q/QinQ tag, a PPPoE session, an MPLS label stack, a GRE, ERSPAN, VXLAN or Geneve tunnel, or IP in IP (`6in4`: IPv6 inside IPv4)'),
              id: count('vlan: the VLAN id').optional(),
              session: count('pppoe, erspan: the session id').optional(),
              labels: z.array(z.number().int().nonnegative()).describe('mpls: the labels, top of the stack first (at most 8)').optional(),
              key: count('gre: the key, when the header has one').optional(),
              version: z.number().int().min(1).max(3).describe('erspan: the type, 1, 2 or 3').optional(),
              vni: count('vxlan, geneve: the virtual network identifier').optional(),
              outer: z.string().describe('tunnels: the outer IP addresses, `source>destination`').optional(),
            })
            .strict(),
        )
        .optional()
        .describe(
          'the VLANs, MPLS label stacks, PPPoE sessions and tunnels the session came through, outer first, as its first packet carried them; absent when none. The same addresses and ports in another VLAN, PPPoE session or tunnel (its id and outer addresses, in either order) are another session; MPLS labels do not count (each direction has its own)',
        ),
      start: seconds('capture time of the first packet, seconds since the epoch, microsecond precision'),
      end: seconds('capture time of the last packet, seconds since the epoch, microsecond precision'),
      duration: seconds('end - start, seconds'),
      packets: count('TCP segments of the session (a segment carried in IP fragments counts once)'),
      bytes: z
        .object({
          client: count('payload bytes the client sent, each byte once (retransmissions not counted again)'),
          server: count('payload bytes the server sent, each byte once'),
        })
        .strict()
        .describe('TCP payload per side'),
      state: z
        .enum(['open', 'closed', 'reset', 'timeout'])
        .describe('how the connection stands at its end: closed (FIN both ways), reset (RST), timeout (idle or evicted), open (still open when the input ended)'),
      endReason: z
        .enum(['fin', 'rst', 'timeout', 'eof', 'evicted'])
        .nullable()
        .describe('why pakeana finished the session: fin, rst, timeout (idle), eof (end of the input), evicted (session limit or memory); null while open (live capture)'),
      tcp: z
        .object({
          retransmissions: count('segments that repeated bytes already sent (not SYNs), as Wireshark counts them'),
          outOfOrder: count('segments that came before bytes sent earlier (reordered, not retransmitted)'),
          dupAcks: count('duplicate ACKs, as Wireshark counts them'),
          synRetransmissions: count('repeated SYNs (and SYN-ACKs)'),
          resets: count('segments with RST'),
          zeroWindows: count('segments that announced a zero receive window'),
          missingBytes: count('bytes never seen in either direction (lost before the capture point, cut by the snap length, or given up on)'),
        })
        .strict()
        .describe('TCP analysis counters'),
      triggers: z.array(z.string()).describe('names of the triggers that fired, in firing order, each once'),
      marks: z
        .array(z.string())
        .describe('anomalies, each once, in the order seen: a dissector\'s (`http.bad-chunk-size`), the framework\'s (`tcp.overlap-conflict`), `dissector-error: NAME: message`, `trigger-error: NAME: message`'),
      fragmented: z.boolean().describe('some packet of the session came in IP fragments'),
      protocol: z.string().nullable().describe('name of the dissector bound to the session (its records are under that name), or null'),
      reportedWhileOpen: z
        .literal(true)
        .optional()
        .describe('present on a record of a session reported while still open (live capture): the full record follows when the session ends'),
    })
    .strict();
});

/** A dissector's record schema (zod), built now if it gives a function; undefined if it declares none. */
export function recordsSchema(dissector: Dissector): z.ZodType<object> | undefined {
  return blamed(dissector, () => {
    const source = dissector.records;
    const schema = typeof source === 'function' ? source() : source;
    if (schema !== undefined && !(schema && typeof schema === 'object' && '_zod' in schema)) throw new Error('not a zod schema');
    return schema;
  });
}

/** The JSON Schema of one record of a dissector (draft 2020-12, output side), or undefined. */
export function recordJsonSchema(dissector: Dissector): JsonSchema | undefined {
  const schema = recordsSchema(dissector);
  return schema && blamed(dissector, () => toJsonSchema(schema));
}

/** A plugin's schema that cannot be built is its fault: the error says which dissector's. */
function blamed<T>(dissector: Dissector, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new Error(`dissector ${dissector.name}: its records schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The JSON Schema of a session record with each dissector's records under its name (an array
 * of its declared record, or of any objects when it declares none): the whole shape of a
 * `--format json` session line with these plugins.
 */
export function sessionJsonSchema(dissectors: readonly Dissector[]): JsonSchema {
  const z = zod();
  const protocols: Record<string, z.ZodType> = {};
  for (const dissector of dissectors) {
    const records = recordsSchema(dissector);
    const item = records ?? z.looseObject({}).describe(`a ${dissector.name} record (its dissector declares no schema)`);
    protocols[dissector.name] = z
      .array(item)
      .optional()
      .describe(`${dissector.description ?? dissector.name} (records in the order the dissector emitted them; absent without any)`);
  }
  return { title: 'pakeana session record', ...toJsonSchema(sessionRecordSchema().extend(protocols)) };
}

function toJsonSchema(schema: z.ZodType): JsonSchema {
  return zod().toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
}
