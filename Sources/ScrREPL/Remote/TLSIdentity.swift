import Crypto
import FoundationEssentials
import NIOCore
import NIOSSL
import Scr
import SwiftASN1
import X509

/// The certificate and key a REPL server speaks TLS with, and the fingerprint its clients pin.
///
/// A server reachable beyond loopback always speaks TLS (docs/remote.md, "TLS"): with the
/// certificate and key the user gives, or else with a self-signed certificate made at start. A
/// self-signed certificate proves nothing by its signature, so clients pin it: the server writes the
/// SHA-256 of its certificate into the token file beside the token, and `scr connect` accepts only a
/// server whose certificate has that fingerprint — as SSH pins a host key. The token then proves the
/// client to the server, and the fingerprint the server to the client.
public struct TLSIdentity: Sendable {
    let certificateChain: [NIOSSLCertificate]
    let privateKey: NIOSSLPrivateKey
    /// The SHA-256 of the leaf certificate's DER, in lowercase hex.
    public let fingerprint: String
    /// The certificate and key in PEM, when this identity was made here (`selfSigned`): a host that
    /// wants the same certificate after a restart writes them out and `load`s them.
    public let certificatePEM: String?
    public let privateKeyPEM: String?

    /// Loads a certificate chain (PEM, leaf first) and its private key (PEM).
    public static func load(certificate certificatePath: String, key keyPath: String) throws -> TLSIdentity {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw RemoteError.badTLSFile(certificatePath, "not a PEM certificate (\(error))")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw RemoteError.badTLSFile(keyPath, "not a PEM private key (\(error))")
        }
        guard let leaf = chain.first else { throw RemoteError.badTLSFile(certificatePath, "no certificate in it") }
        return TLSIdentity(certificateChain: chain, privateKey: key, fingerprint: try fingerprint(of: leaf),
                           certificatePEM: nil, privateKeyPEM: nil)
    }

    /// A new P-256 key and a certificate for it, signed by itself, valid for a year from now.
    public static func selfSigned(commonName: String = "scr serve") throws -> TLSIdentity {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 60 * 60,
            notValidAfter: now + 365 * 24 * 60 * 60,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: Certificate.PrivateKey(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let leaf = try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
        return TLSIdentity(certificateChain: [leaf],
                           privateKey: try NIOSSLPrivateKey(bytes: Array(key.derRepresentation), format: .der),
                           fingerprint: try fingerprint(of: leaf),
                           certificatePEM: try certificate.serializeAsPEM().pemString,
                           privateKeyPEM: key.pemRepresentation)
    }

    /// The SHA-256 of a certificate's DER, in lowercase hex (what `openssl x509 -fingerprint -sha256`
    /// prints, without the colons).
    public static func fingerprint(of certificate: NIOSSLCertificate) throws -> String {
        Array(SHA256.hash(data: try certificate.toDERBytes())).hex
    }

    /// A fingerprint as a person may type it (`AB:CD:…`, any case) in the form `fingerprint` has.
    public static func normalized(fingerprint text: String) -> String? {
        let hex = text.lowercased().filter { $0 != ":" }
        return hex.count == 64 && hex.allSatisfy(\.isHexDigit) ? hex : nil
    }

    func serverContext() throws -> NIOSSLContext {
        try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey)))
    }
}

/// How `scr connect` decides that a TLS server is the one it means.
public enum TLSTrust: Sendable, Equatable {
    /// The server's certificate must have this SHA-256 (from the token file, or `--tls-fingerprint`).
    case pinned(fingerprint: String)
    /// The certificate must chain to the system's trust roots and name the host (a server given a
    /// certificate from a real authority).
    case systemRoots

    /// A failed TLS handshake as a person reads it (BoringSSL's say where in its source it failed).
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate is not trusted here (a self-signed server is pinned by its token file "
                + "or --tls-fingerprint)"
        }
        if text.contains("WRONG_VERSION_NUMBER") { return "it does not speak TLS" }
        return "the TLS handshake failed"
    }

    /// The TLS handler of a client connecting to `host`. A pinned fingerprint that does not match is
    /// recorded in `mismatch` (the certificate's own fingerprint), so the error can say what was seen.
    func clientHandler(host: String, mismatch: Locked<String?>) throws -> NIOSSLClientHandler {
        switch self {
        case .systemRoots:
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            // An address is not a name to send (SNI refuses it); NIOSSL then checks the certificate
            // against the address connected to.
            let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
            return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
        case .pinned(let expected):
            // The fingerprint is the whole check: the certificate is self-signed and names no host.
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .noHostnameVerification
            let context = try NIOSSLContext(configuration: configuration)
            return try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, promise in
                let seen = certificates.first.flatMap { try? TLSIdentity.fingerprint(of: $0) }
                if let seen, AccessToken.matches(seen, expected) {
                    promise.succeed(.certificateVerified)
                } else {
                    mismatch.withLock { $0 = seen ?? "none" }
                    promise.succeed(.failed)
                }
            }
        }
    }
}
