import { u16be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeGeneve, GENEVE_PORT } from './geneve.js';
import { decodeGre } from './gre.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodeVxlan, VXLAN_PORT } from './vxlan.js';

const IPPROTO_IPIP = 4;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_GRE = 47;

/**
 * The IP protocols that carry a tunnel by themselves (IP in IP, IPv6 in IP, GRE): their
 * fragments are worth reassembling to open the tunnel (UDP tunnels are not: most fragmented
 * UDP is no tunnel, and its fragments would take the reassembly's room).
 */
export function isTunnelProtocol(protocol: number): boolean {
  return protocol === IPPROTO_IPIP || protocol === IPPROTO_IPV6 || protocol === IPPROTO_GRE;
}

/**
 * Opens the tunnels the decoded IP packet carries, one after the other, until the transport
 * is not a tunnel (IP in IP, GRE, VXLAN, Geneve). Each layer goes in the path, which bounds
 * the depth (`MAX_PATH`; deeper is a link error). A fragment is left as it is: the pipeline
 * opens a tunnel whose outer packet came in IP fragments once it has reassembled it.
 */
export function decapsulate(out: DecodedPacket): DecodeStatus {
  let status: DecodeStatus = DecodeStatus.Ok;
  while (status === DecodeStatus.Ok && !out.isFragment) {
    const buf = out.buf;
    const at = out.l4Offset;
    const end = at + out.l4Length;
    const protocol = out.protocol;
    if (protocol === IPPROTO_IPIP || protocol === IPPROTO_IPV6) {
      const inner4 = protocol === IPPROTO_IPIP;
      const kind = out.ipVersion === 4 ? (inner4 ? LayerKind.Ip4in4 : LayerKind.Ip6in4) : inner4 ? LayerKind.Ip4in6 : LayerKind.Ip6in6;
      if (!pushTunnel(out, kind, -1)) return DecodeStatus.LinkError;
      status = inner4 ? decodeIpv4(buf, at, end, out) : decodeIpv6(buf, at, end, out);
    } else if (protocol === IPPROTO_GRE) status = decodeGre(buf, at, end, out);
    else if (protocol === IPPROTO_UDP && end - at >= 8) {
      const port = u16be(buf, at + 2);
      if (port !== VXLAN_PORT && port !== GENEVE_PORT) return status;
      // The UDP length bounds the payload: bytes after it in the IP payload are not the tunnel's.
      const length = u16be(buf, at + 4);
      const payloadEnd = length >= 8 && at + length < end ? at + length : end;
      status = port === VXLAN_PORT ? decodeVxlan(buf, at + 8, payloadEnd, out) : decodeGeneve(buf, at + 8, payloadEnd, out);
    } else return status;
  }
  return status;
}
