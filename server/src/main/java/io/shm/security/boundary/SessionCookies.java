package io.shm.security.boundary;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * The session cookie: HttpOnly, SameSite=Lax (a cross-site form cannot ride on the login), and Secure
 * whenever the request that made the session came over HTTPS (the container's default). Set here as
 * well as in web.xml because not every server reads the Servlet 6 cookie attributes from web.xml.
 */
@WebListener
public class SessionCookies implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        var cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
    }
}
