package io.shm.signature.control;

import io.shm.instance.entity.SignedInstance;
import jakarta.enterprise.context.RequestScoped;

/**
 * What an ingest request carried, as received: the exact body bytes (signatures cover them, so they
 * are never re-serialized) and the signature headers; then the instance whose signature was verified.
 * Filled by the ingest API's JAX-RS filter before the resource method runs, completed by the signature
 * interceptor, read by the resources. The signature feature owns it: it is what a signature covers.
 */
@RequestScoped
public class IngestRequest {

    private byte[] body = new byte[0];
    private String instanceIdHeader;
    private String signatureHeader;
    private SignedInstance signer;

    public byte[] body() {
        return body;
    }

    public void received(byte[] body, String instanceIdHeader, String signatureHeader) {
        this.body = body;
        this.instanceIdHeader = instanceIdHeader;
        this.signatureHeader = signatureHeader;
    }

    public String instanceIdHeader() {
        return instanceIdHeader;
    }

    public String signatureHeader() {
        return signatureHeader;
    }

    /** The instance whose signature was verified, or null before the interceptor ran. */
    public SignedInstance signer() {
        return signer;
    }

    public void signedBy(SignedInstance signer) {
        this.signer = signer;
    }
}
