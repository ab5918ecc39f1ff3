package io.shm.security.boundary;

import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.PhaseEvent;
import jakarta.faces.event.PhaseId;
import jakarta.faces.event.PhaseListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ResourceBundle;
import org.primefaces.context.PrimeFacesContext;
import org.primefaces.csp.CspException;

/**
 * A form post without the CSP nonce of the page it came from (a script, a tab older than its view) is
 * answered 400 with a link back, before anything of the post is acted on. PrimeFaces checks the nonce
 * only when it renders the answer, after the action ran, and then fails with a 500; asking it right
 * after the view is restored runs the same check earlier (the nonce it settles on is kept for the
 * rendering).
 */
public class CspNonceCheck implements PhaseListener {

    private static final long serialVersionUID = 1L;

    @Override
    public PhaseId getPhaseId() {
        return PhaseId.RESTORE_VIEW;
    }

    @Override
    public void beforePhase(PhaseEvent event) {
        // Nothing to check before the view exists.
    }

    @Override
    public void afterPhase(PhaseEvent event) {
        FacesContext faces = event.getFacesContext();
        if (faces.getViewRoot() == null || faces.getResponseComplete()
                || !(faces.isPostback() || faces.getPartialViewContext().isAjaxRequest())) {
            return;
        }
        try {
            PrimeFacesContext.getCspState(faces).getNonce();
        } catch (CspException stale) {
            refuse(faces);
        }
    }

    private static void refuse(FacesContext faces) {
        ExternalContext external = faces.getExternalContext();
        ResourceBundle messages = faces.getApplication().getResourceBundle(faces, "msg");
        String text = messages.getString("form.stale");
        String again = messages.getString("form.openAgain");
        String page = external.getRequestContextPath() + external.getRequestServletPath();
        try {
            external.responseReset();
            external.setResponseStatus(400);
            external.setResponseContentType("text/html;charset=UTF-8");
            Writer out = external.getResponseOutputWriter();
            out.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>400</title></head><body><p>"
                    + escape(text) + "</p><p><a href=\"" + escape(page) + "\">" + escape(again) + "</a></p></body></html>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        faces.responseComplete();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
