package dev.pmsconversations.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A state store's JDBC URL as it may be printed: without the login a URL can carry. */
public final class JdbcUrls {
    /** {@code user:secret@} after {@code //} (jdbc:postgresql://user:secret@db/pms). */
    private static final Pattern USERINFO = Pattern.compile("(?<=//)[^/?;@]*@");

    private JdbcUrls() {
    }

    /**
     * The URL without userinfo and without login settings: {@code ;USER=…;PASSWORD=…} (H2) and
     * {@code ?user=…&password=…&sslpassword=…} (PostgreSQL) are dropped, every other setting is kept.
     */
    public static String withoutCredentials(String url) {
        String s = USERINFO.matcher(url).replaceFirst("");
        int q = s.indexOf('?');
        String[] settings = (q < 0 ? s : s.substring(0, q)).split(";", -1);
        StringBuilder out = new StringBuilder(settings[0]);
        for (int i = 1; i < settings.length; i++) {
            if (!isLogin(settings[i])) {
                out.append(';').append(settings[i]);
            }
        }
        if (q >= 0) {
            String kept = Arrays.stream(s.substring(q + 1).split("&")).filter(p -> !isLogin(p)).collect(Collectors.joining("&"));
            if (!kept.isEmpty()) {
                out.append('?').append(kept);
            }
        }
        return out.toString();
    }

    private static boolean isLogin(String setting) {
        String key = setting.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
        return key.equals("user") || key.equals("username") || key.equals("pwd") || key.equals("passwd")
                || key.contains("password") || key.contains("secret") || key.contains("token");
    }
}
