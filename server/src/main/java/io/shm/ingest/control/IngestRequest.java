package io.shm.ingest.control;

import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * What an ingest request carried, as received: the exact body bytes (signatures cover them, so they
 * are never re-serialized), the signature headers and the client's address. Filled by the JAX-RS
 * filter before the resource method runs, read by the signature interceptor and the resources.
 */
@RequestScoped
public class IngestRequest {

    private byte[] body = new byte[0];
    private String instanceIdHeader;
    private String signatureHeader;
    private String clientAddress;
    private SignedInstance signer;

    public byte[] body() {
        return body;
    }

    public void received(byte[] body, String instanceIdHeader, String signatureHeader, String clientAddress) {
        this.body = body;
        this.instanceIdHeader = instanceIdHeader;
        this.signatureHeader = signatureHeader;
        this.clientAddress = clientAddress;
    }

    public String instanceIdHeader() {
        return instanceIdHeader;
    }

    public String signatureHeader() {
        return signatureHeader;
    }

    /** In memory only: used for rate limits, never stored or logged. */
    public String clientAddress() {
        return clientAddress;
    }

    /** The instance whose signature was verified, or null before the interceptor ran. */
    public SignedInstance signer() {
        return signer;
    }

    public void signedBy(SignedInstance signer) {
        this.signer = signer;
    }

    /** An instance that proved it holds its key: its public id and its row id. */
    public record SignedInstance(UUID instanceId, long rowId) {
    }
}
