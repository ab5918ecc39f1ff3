package io.shm.application.entity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A repository on github.com, named by its owner and its name. Only the plain web address
 * {@code https://github.com/{owner}/{name}}, with an optional trailing {@code /} or {@code .git}, is
 * accepted: the address is shown as a link and its parts go into GitHub API paths, so anything looser
 * (another host, user info, a port, a query, a deeper path) could point somewhere else.
 */
public record GitHubRepository(String owner, String name) {

    private static final String PREFIX = "https://github.com/";
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9-]{1,39}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public GitHubRepository {
        if (!isValid(owner, name)) {
            throw new IllegalArgumentException("not a GitHub owner and repository name");
        }
    }

    /** The repository an address names, or empty when it is not a plain github.com repository address. */
    public static Optional<GitHubRepository> parse(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String path = url.substring(PREFIX.length());
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        } else if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - ".git".length());
        }
        int slash = path.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String owner = path.substring(0, slash);
        String name = path.substring(slash + 1);
        return isValid(owner, name) ? Optional.of(new GitHubRepository(owner, name)) : Optional.empty();
    }

    /**
     * A name ending in {@code .git} is refused: GitHub does not allow it, and {@code x.git/} would
     * otherwise be read as a repository of that name rather than {@code x}.
     */
    private static boolean isValid(String owner, String name) {
        return owner != null && OWNER.matcher(owner).matches()
                && name != null && NAME.matcher(name).matches()
                && !name.equals(".") && !name.equals("..") && !name.endsWith(".git");
    }

    /** The address as stored and shown: {@code https://github.com/{owner}/{name}}. */
    public String url() {
        return PREFIX + owner + "/" + name;
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
