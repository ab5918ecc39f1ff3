package io.shm.security.boundary;

import jakarta.faces.application.ProtectedViewException;
import jakarta.faces.context.ExceptionHandler;
import jakarta.faces.context.ExceptionHandlerFactory;
import jakarta.faces.context.ExceptionHandlerWrapper;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.ExceptionQueuedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * A protected view (Settings: tokens and accounts, faces-config.xml) opened without the token of a link
 * of the dashboard itself: a bookmark, a typed address or a forged link. Faces refuses it with a
 * {@link ProtectedViewException}, which would reach the visitor as a 500; this sends them to the Overview
 * instead (303), from whose menu the page opens, and acts on nothing of the request.
 */
public class ProtectedViewRedirect extends ExceptionHandlerFactory {

    static final String LANDING = "/app/index.xhtml";

    public ProtectedViewRedirect(ExceptionHandlerFactory wrapped) {
        super(wrapped);
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return new Handler(getWrapped().getExceptionHandler());
    }

    private static final class Handler extends ExceptionHandlerWrapper {

        Handler(ExceptionHandler wrapped) {
            super(wrapped);
        }

        @Override
        public void handle() {
            Iterator<ExceptionQueuedEvent> events = getUnhandledExceptionQueuedEvents().iterator();
            while (events.hasNext()) {
                Throwable thrown = events.next().getContext().getException();
                if (causedBy(thrown)) {
                    events.remove();
                    FacesContext context = FacesContext.getCurrentInstance();
                    ExternalContext external = context.getExternalContext();
                    try {
                        external.setResponseStatus(303);
                        external.setResponseHeader("Location", external.getRequestContextPath() + LANDING);
                        external.responseFlushBuffer();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    context.responseComplete();
                }
            }
            getWrapped().handle();
        }

        private static boolean causedBy(Throwable thrown) {
            for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
                if (cause instanceof ProtectedViewException) {
                    return true;
                }
            }
            return false;
        }
    }
}
