// swarmsim lab: WebTorrent is run over TCP only (no WebRTC trackers, no WebRTC peers). Any use of
// WebRTC is a configuration error of the lab, so every class throws when constructed.
class Unavailable {
  constructor() {
    throw new Error('WebRTC is not available in the swarmsim lab (TCP peers only)');
  }
}
export class RTCPeerConnection extends Unavailable {}
export class RTCSessionDescription extends Unavailable {}
export class RTCIceCandidate extends Unavailable {}
export class RTCIceTransport extends Unavailable {}
export class RTCDataChannel extends Unavailable {}
export class RTCSctpTransport extends Unavailable {}
export class RTCDtlsTransport extends Unavailable {}
export class RTCCertificate extends Unavailable {}
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate, RTCIceTransport, RTCDataChannel, RTCSctpTransport, RTCDtlsTransport, RTCCertificate };
