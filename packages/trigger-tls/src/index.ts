import { duration, isRecord, lazySchema, type PluginModule, type SessionWatch, type TcpSession, type TriggerKind } from '@pakeana/framework';
// The TLS record's type, for `isRecord('tls', ...)` (declaration merging; types only).
import type { TlsAlert, TlsHandshake } from '@pakeana/dissector-tls';
import { ALERT_NAMES } from './alert-names.js';
import { optionVersionRank, recordVersionRank, rankName } from './versions.js';

// Each kind reads the TLS record the dissector emits once a handshake is over (at the next
// handshake or the session's end), so each decides on that record: none fires mid-handshake.
// Option schemas are built on first use: a run without these triggers needs none.

const alertOptions = lazySchema((z) => {
  const known: ReadonlySet<string> = new Set(ALERT_NAMES);
  return z
    .object({
      level: z
        .enum(['fatal', 'any'])
        .default('fatal')
        .describe('fatal: fatal alerts only; any: warnings too, and encrypted alerts (their level is unknown) when no description is given'),
      description: z
        .union([z.string(), z.array(z.string()).min(1)])
        .describe('an alert name or a list of them, as the RFCs name them (handshake_failure, certificate_expired, ...); any alert when left out')
        // Names are checked here rather than by an enum in the union: zod reports a union that fails as only "Invalid input".
        .transform((value, ctx) => {
          const names = typeof value === 'string' ? [value] : value;
          names.forEach((name, i) => {
            if (known.has(name)) return;
            const path = typeof value === 'string' ? [] : [i];
            ctx.addIssue({ code: 'custom', path, message: `not a TLS alert name: ${JSON.stringify(name)} (known: ${ALERT_NAMES.join(', ')})` });
          });
          return names;
        })
        .optional(),
    })
    .strict();
});

const handshakeOptions = lazySchema((z) =>
  z.object({ over: duration().describe('a duration (500ms, 2s): the longest handshake, from the ClientHello to the client\'s first application data') }).strict(),
);

const versionOptions = lazySchema((z) =>
  z
    .object({
      below: z
        .union([z.string(), z.number()])
        .describe('a TLS version: 1.2, TLSv12, TLS1.2, SSLv3 (SSLv2 < SSLv3 < 1.0 < 1.1 < 1.2 < 1.3)')
        .transform((value, ctx) => {
          const rank = optionVersionRank(value);
          if (rank !== null) return rank;
          ctx.addIssue({ code: 'custom', message: `not a TLS version: ${JSON.stringify(value)} (write 1.2, TLSv12, TLS1.2 or SSLv3)` });
          return z.NEVER;
        }),
    })
    .strict(),
);

const certificateOptions = lazySchema((z) =>
  z
    .object({
      expiresWithin: duration()
        .optional()
        .describe('a duration (30d, 12h): the leaf certificate expires within it of the handshake\'s capture time (an expired one too)'),
      selfSigned: z.boolean().optional().describe('true: the leaf certificate is self-signed'),
      nameMismatch: z.boolean().optional().describe('true: the server name (SNI) matches none of the leaf certificate\'s names'),
    })
    .strict()
    .refine((o) => o.expiresWithin !== undefined || o.selfSigned || o.nameMismatch, { message: 'give expiresWithin, selfSigned: true or nameMismatch: true' }),
);

/** Options of `tls.alert`, as its schema gives them. */
export interface AlertOptions {
  level: 'fatal' | 'any';
  description?: string[];
}

/** Handshakes with an alert of a level (fatal by default) and, optionally, a description. */
export const tlsAlert: TriggerKind<AlertOptions> = {
  name: 'tls.alert',
  description: 'TLS alerts: fatal ones (level any: warnings and encrypted ones too), optionally only some descriptions',
  options: alertOptions,
  create: ({ level, description }) => {
    const descriptions = description === undefined ? null : new Set(description);
    const matches = (alert: TlsAlert) =>
      (level === 'any' || alert.level === 'fatal') && (descriptions === null || (alert.description !== null && descriptions.has(alert.description)));
    return { name: 'tls.alert', watch: (_session, fire) => new AlertWatch(matches, fire) };
  },
};

/** Handshakes that took longer than `over`, as the client saw them. */
export const tlsHandshake: TriggerKind<{ over: number }> = {
  name: 'tls.handshake',
  description: 'TLS handshakes longer than over, from the ClientHello to the client\'s first application data (an unfinished one: to the last segment)',
  options: handshakeOptions,
  create: ({ over }) => ({ name: 'tls.handshake', watch: (session, fire) => new HandshakeWatch(session, over, fire) }),
};

/** Handshakes that negotiated a version below `below` (without a ServerHello: the client offered nothing as recent). */
export const tlsVersion: TriggerKind<{ below: number }> = {
  name: 'tls.version',
  description: 'TLS handshakes on a version older than below (without a ServerHello: when the client offered none as recent)',
  options: versionOptions,
  create: ({ below }) => ({ name: 'tls.version', watch: (_session, fire) => new VersionWatch(below, fire) }),
};

/** Options of `tls.certificate`, as its schema gives them (durations in seconds). */
export interface CertificateOptions {
  expiresWithin?: number;
  selfSigned?: boolean;
  nameMismatch?: boolean;
}

/** Server certificates that expire soon (or have), are self-signed, or do not name the server asked for. */
export const tlsCertificate: TriggerKind<CertificateOptions> = {
  name: 'tls.certificate',
  description: 'TLS server certificates that expire within expiresWithin (or have expired), are self-signed, or do not match the SNI (nameMismatch)',
  options: certificateOptions,
  create: (options) => ({ name: 'tls.certificate', watch: (session, fire) => new CertificateWatch(session, options, fire) }),
};

// Watches are classes, not object literals with methods: a literal makes a closure per method per session.

/** Fires on the first alert that `matches`, with its level, description and side. */
class AlertWatch implements SessionWatch {
  constructor(
    private readonly matches: (alert: TlsAlert) => boolean,
    private readonly fire: (detail: string) => void,
  ) {}

  record(protocol: string, record: object): void {
    if (!isRecord('tls', protocol, record)) return;
    const alert = record.alerts.find(this.matches);
    if (alert) this.fire(`${alert.level ?? 'encrypted'} ${alert.description ?? 'alert'} from ${alert.from}`);
  }
}

/**
 * Fires when the ClientHello to the client's first application data took longer than `over`.
 * A handshake that never finished counts until the session's last segment when its record
 * came (the session's end, or the next handshake's start). One that finished with no
 * application data from the client has no known end and does not count.
 */
class HandshakeWatch implements SessionWatch {
  constructor(
    private readonly session: TcpSession,
    private readonly over: number,
    private readonly fire: (detail: string) => void,
  ) {}

  record(protocol: string, record: object): void {
    if (!isRecord('tls', protocol, record) || record.clientHelloTime === null) return;
    const end = record.clientDataTime ?? (record.established ? null : this.session.lastTime);
    if (end === null) return;
    const took = end - record.clientHelloTime;
    if (took > this.over) this.fire(`${Math.round(took * 1000)} ms${record.clientDataTime === null ? ', unfinished' : ''}`);
  }
}

/**
 * Fires on a handshake whose version ranks below `below`. Without a ServerHello (no version
 * negotiated), on the most recent version the client offered: the version could have been no
 * higher, so a client that offers only old versions is reported even when the server refused it.
 */
class VersionWatch implements SessionWatch {
  constructor(
    private readonly below: number,
    private readonly fire: (detail: string) => void,
  ) {}

  record(protocol: string, record: object): void {
    if (!isRecord('tls', protocol, record)) return;
    if (record.version !== null) {
      const rank = recordVersionRank(record.version);
      if (rank !== null && rank < this.below) this.fire(record.version);
      return;
    }
    const offered = clientBest(record);
    if (offered !== null && offered < this.below) this.fire(`client offered at most ${rankName(offered)}`);
  }
}

/** The rank of the most recent version a ClientHello offered (supported_versions, else its version field), or null. */
function clientBest(record: TlsHandshake): number | null {
  const offered = record.clientVersions.length ? record.clientVersions : record.clientVersion === null ? [] : [record.clientVersion];
  const ranks = offered.map(recordVersionRank).filter((rank) => rank !== null);
  return ranks.length ? Math.max(...ranks) : null;
}

/**
 * Fires on a server certificate with a problem asked for, naming each. "Soon" is measured
 * from the handshake's capture time (the ServerHello's, else the ClientHello's, else the
 * session's last segment), never the wall clock: a capture replayed a year later gives the
 * same answer.
 */
class CertificateWatch implements SessionWatch {
  constructor(
    private readonly session: TcpSession,
    private readonly options: CertificateOptions,
    private readonly fire: (detail: string) => void,
  ) {}

  record(protocol: string, record: object): void {
    if (!isRecord('tls', protocol, record)) return;
    const { expiresWithin, selfSigned, nameMismatch } = this.options;
    const leaf = record.certificates[0];
    const problems: string[] = [];
    if (expiresWithin !== undefined && leaf) {
      const at = record.serverHelloTime ?? record.clientHelloTime ?? this.session.lastTime;
      const left = Date.parse(leaf.notAfter) / 1000 - at;
      if (left <= expiresWithin) problems.push(`${left < 0 ? 'expired' : 'expires'} ${leaf.notAfter.slice(0, 10)}`);
    }
    if (selfSigned && leaf?.selfSigned) problems.push('self-signed');
    if (nameMismatch && record.sniMatchesCert === false) problems.push(`not for ${record.serverName}`);
    if (problems.length) this.fire(problems.join(', '));
  }
}

const plugin: PluginModule = { apiVersion: 1, triggers: [tlsAlert, tlsHandshake, tlsVersion, tlsCertificate] };
export default plugin;
