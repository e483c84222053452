import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// What AsyncHTTPClient and NIO report, as the one cause a user can act on, naming the host:
/// `cannot resolve host api.example.invalid`, `connection refused by 127.0.0.1:9`, `timed out
/// connecting to 127.0.0.1:8080`, `TLS handshake with 127.0.0.1 failed: wrong version number`.
/// The method and path are not in the message: the client's `YousignError` puts them first.
extension HTTPTransport {
    /// `host:port` as connections are made (the scheme's port when the URL names none).
    var endpoint: String { "\(host):\(port)" }

    func classify(_ error: any Error, timeout: Duration) -> TransportError {
        if error is CancellationError || (error as? HTTPClientError) == .cancelled {
            return TransportError(.cancelled, "cancelled before the response came")
        }
        if let e = error as? HTTPClientError { return classify(e, timeout: timeout) }
        if let e = error as? NIOConnectionError { return classify(e) }
        if let e = error as? NIOSSLError { return tlsFailure(e) }
        if let e = error as? IOError { return classify(errno: e.errnoCode, fallback: "\(e)") }
        if error is NIOSSLExtraError { return TransportError(.unreachable, "TLS handshake with \(host) failed: \(error)") }
        if error is NIOTooManyBytesError {
            return TransportError(.failed, "the response from \(host) is larger than \(Self.maxResponseSize >> 20) MB")
        }
        if case .connectTimeout? = error as? ChannelError {
            return TransportError(.notSent, "timed out connecting to \(endpoint)")
        }
        return TransportError(.failed, "the request to \(host) failed: \(error)")
    }

    private func classify(_ error: HTTPClientError, timeout: Duration) -> TransportError {
        switch error {
        case .connectTimeout:
            return TransportError(.notSent, "timed out connecting to \(endpoint)")
        case .tlsHandshakeTimeout:
            return TransportError(.notSent, "timed out in the TLS handshake with \(endpoint)")
        case .getConnectionFromPoolTimeout:
            return TransportError(.notSent, "timed out waiting for a connection to \(endpoint)")
        case .deadlineExceeded, .readTimeout, .writeTimeout:
            return TransportError(.timeout, "no response from \(host) within \(Self.format(timeout))")
        case .remoteConnectionClosed:
            return TransportError(.failed, "\(host) closed the connection before the response came")
        default:
            return TransportError(.failed, "the request to \(host) failed: \(error)")
        }
    }

    /// Happy Eyeballs' summary: a failed lookup, or every address it tried refused.
    private func classify(_ error: NIOConnectionError) -> TransportError {
        if let lookup = error.dnsAError ?? error.dnsAAAAError {
            let reason = (lookup as? SocketAddressError.UnknownHost)?.errorDescription
            return TransportError(.unreachable, "cannot resolve host \(host)" + (reason.map { " (\($0))" } ?? ""))
        }
        for failure in error.connectionErrors {
            if let e = failure.error as? IOError { return classify(errno: e.errnoCode, fallback: "\(e)") }
            if case .connectTimeout? = failure.error as? ChannelError {
                return TransportError(.notSent, "timed out connecting to \(endpoint)")
            }
        }
        if error.connectionErrors.isEmpty { return TransportError(.unreachable, "cannot resolve host \(host) (no address found)") }
        return TransportError(.notSent, "cannot connect to \(endpoint): \(error.connectionErrors.map { "\($0.error)" }.joined(separator: "; "))")
    }

    private func classify(errno code: Int32, fallback: String) -> TransportError {
        switch code {
        case ECONNREFUSED: TransportError(.notSent, "connection refused by \(endpoint) (is the server running?)")
        case ETIMEDOUT: TransportError(.notSent, "timed out connecting to \(endpoint)")
        case ENETUNREACH, EHOSTUNREACH: TransportError(.notSent, "no route to \(endpoint) (\(String(cString: strerror(code))))")
        case ECONNRESET, EPIPE: TransportError(.failed, "\(host) reset the connection before the response came")
        default: TransportError(.failed, "the request to \(host) failed: \(fallback)")
        }
    }

    /// BoringSSL's reasons (`...:OPENSSL_internal:WRONG_VERSION_NUMBER at file:line`) in words:
    /// `wrong version number` (an http:// server asked for https://), `certificate verify failed`.
    private func tlsFailure(_ error: NIOSSLError) -> TransportError {
        guard case .handshakeFailed(let boring) = error else {
            return TransportError(.unreachable, "TLS with \(host) failed: \(error)")
        }
        var stack: NIOBoringSSLErrorStack = []
        switch boring {
        case .sslError(let s), .unknownError(let s), .invalidSNIName(let s), .failedToSetALPN(let s): stack = s
        default: break
        }
        let reasons = stack.map { entry -> String in
            let text = entry.description.components(separatedBy: " at ").first ?? entry.description
            let reason = text.split(separator: ":").last.map(String.init) ?? text
            return reason.lowercased().replacingOccurrences(of: "_", with: " ")
        }
        let why = reasons.isEmpty ? "\(boring)" : reasons.joined(separator: "; ")
        return TransportError(.unreachable, "TLS handshake with \(host) failed: \(why)")
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        return ms < 1000 || ms % 1000 != 0 ? "\(ms) ms" : "\(ms / 1000) s"
    }
}
