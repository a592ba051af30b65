/// A verified chain, the signer's certificate first and the trust anchor last.
struct CertificateChain {
    var certificates: [Certificate]
}
