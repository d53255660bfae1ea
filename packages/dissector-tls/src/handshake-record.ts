import { ja3, ja3s, ja4, ja4s } from './fingerprints.js';
import { isGrease, type ClientHello, type ServerHello } from './hello.js';
import { cipherName, extensionName, versionName } from './names.js';
import type { TlsAlert, TlsCertificate, TlsHandshake } from './tls-record.js';

/** What is derived from a hello alone, once computed. */
interface FromClientHello {
  ja3?: string;
  ja4?: string;
  clientVersions?: string[];
  clientCiphers?: string[];
  clientExtensions?: string[];
}

interface FromServerHello {
  ja3s?: string;
  ja4s?: string;
  serverExtensions?: string[];
}

const names = (values: readonly number[], name: (value: number) => string) => values.filter((v) => !isGrease(v)).map(name);

/**
 * The record of one handshake, as the session fills it in. What the hellos alone give (the
 * fingerprints, the lists of names) is computed when it is first read, by a trigger or by the
 * output of a reported session, and kept: most sessions are never reported, and hashing and
 * naming were half of the dissector's time on the TLS benchmark (test/bench/tls-bench.mjs).
 * `toJSON` gives the whole record, in the schema's order.
 */
export class HandshakeRecord implements TlsHandshake {
  version: string | null = null;
  cipher: string | null = null;
  curve: string | null = null;
  serverName: string | null = null;
  resumed = false;
  lastAlert: string | null = null;
  nextProtocol: string | null = null;
  established = false;
  subject: string | null = null;
  issuer: string | null = null;
  sniMatchesCert: boolean | null = null;
  clientVersion: string | null = null;
  alpn: string[] = [];
  resumption: TlsHandshake['resumption'] = [];
  helloRetryRequest = false;
  sslv2Hello = false;
  readonly renegotiation: boolean;
  certificates: TlsCertificate[] = [];
  clientCertificates: TlsCertificate[] = [];
  alerts: TlsAlert[] = [];
  clientHelloTime: number | null = null;
  serverHelloTime: number | null = null;
  clientDataTime: number | null = null;
  serverDataTime: number | null = null;
  #clientHello: ClientHello | null = null;
  #serverHello: ServerHello | null = null;
  #fromClientHello: FromClientHello = {};
  #fromServerHello: FromServerHello = {};

  constructor(renegotiation: boolean) {
    this.renegotiation = renegotiation;
  }

  /** The ClientHello the client fingerprints come from (the second one after a HelloRetryRequest). */
  set clientHello(hello: ClientHello) {
    this.#clientHello = hello;
    this.#fromClientHello = {};
  }

  set serverHello(hello: ServerHello) {
    this.#serverHello = hello;
    this.#fromServerHello = {};
  }

  get ja3(): string | null {
    const hello = this.#clientHello;
    return hello && (this.#fromClientHello.ja3 ??= ja3(hello));
  }

  get ja4(): string | null {
    const hello = this.#clientHello;
    return hello && (this.#fromClientHello.ja4 ??= ja4(hello));
  }

  get clientVersions(): string[] {
    const hello = this.#clientHello;
    return hello ? (this.#fromClientHello.clientVersions ??= names(hello.supportedVersions, versionName)) : [];
  }

  get clientCiphers(): string[] {
    const hello = this.#clientHello;
    return hello ? (this.#fromClientHello.clientCiphers ??= names(hello.ciphers, cipherName)) : [];
  }

  get clientExtensions(): string[] {
    const hello = this.#clientHello;
    return hello ? (this.#fromClientHello.clientExtensions ??= names(hello.extensions, extensionName)) : [];
  }

  get ja3s(): string | null {
    const hello = this.#serverHello;
    return hello && (this.#fromServerHello.ja3s ??= ja3s(hello));
  }

  get ja4s(): string | null {
    const hello = this.#serverHello;
    return hello && (this.#fromServerHello.ja4s ??= ja4s(hello));
  }

  get serverExtensions(): string[] {
    const hello = this.#serverHello;
    return hello ? (this.#fromServerHello.serverExtensions ??= names(hello.extensions, extensionName)) : [];
  }

  toJSON(): TlsHandshake {
    return {
      ...this,
      ja3: this.ja3,
      ja3s: this.ja3s,
      ja4: this.ja4,
      ja4s: this.ja4s,
      clientVersions: this.clientVersions,
      clientCiphers: this.clientCiphers,
      clientExtensions: this.clientExtensions,
      serverExtensions: this.serverExtensions,
    };
  }
}
