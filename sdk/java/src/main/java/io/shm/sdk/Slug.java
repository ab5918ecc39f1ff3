package io.shm.sdk;

import java.util.Locale;
import java.util.Map;

/**
 * The application-name slug in the identity file's name, by the rule of the Node.js and Go SDKs
 * (so the three find each other's file): lower case; common accented letters folded; space,
 * {@code -} and {@code _} become {@code -}; every other character is dropped; runs of {@code -}
 * collapse and are trimmed; an empty result is {@code app}. (The server's slug of an application
 * differs: there, other characters become {@code -} rather than disappear.)
 */
final class Slug {

    private static final Map<Character, Character> FOLDED = Map.ofEntries(
            Map.entry('à', 'a'), Map.entry('á', 'a'), Map.entry('â', 'a'), Map.entry('ã', 'a'), Map.entry('ä', 'a'),
            Map.entry('å', 'a'), Map.entry('è', 'e'), Map.entry('é', 'e'), Map.entry('ê', 'e'), Map.entry('ë', 'e'),
            Map.entry('ì', 'i'), Map.entry('í', 'i'), Map.entry('î', 'i'), Map.entry('ï', 'i'), Map.entry('ò', 'o'),
            Map.entry('ó', 'o'), Map.entry('ô', 'o'), Map.entry('õ', 'o'), Map.entry('ö', 'o'), Map.entry('ù', 'u'),
            Map.entry('ú', 'u'), Map.entry('û', 'u'), Map.entry('ü', 'u'), Map.entry('ý', 'y'), Map.entry('ÿ', 'y'),
            Map.entry('ñ', 'n'), Map.entry('ç', 'c'));

    private Slug() {
    }

    static String of(String name) {
        StringBuilder out = new StringBuilder();
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            Character folded = FOLDED.get(c);
            if (folded != null) {
                out.append(folded.charValue());
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else if (c == ' ' || c == '-' || c == '_') {
                out.append('-');
            }
        }
        String slug = out.toString().replaceAll("-+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "app" : slug;
    }

    /** {@code {slug}_shm_identity.json}, the file name all SDKs use. */
    static String identityFileName(String appName) {
        return of(appName) + "_shm_identity.json";
    }
}
