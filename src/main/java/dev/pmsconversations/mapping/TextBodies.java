package dev.pmsconversations.mapping;

import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** Message bodies as plain text: HTML resolved to text with its line breaks, newlines normalised to \n. */
public final class TextBodies {
    private static final Pattern LOOKS_LIKE_HTML = Pattern.compile("<(br|p|div|span|a|b|i|u|strong|em|ul|ol|li|table|tr|td|h[1-6]|html|body|img|font|blockquote)\\b[^>]*>|&(nbsp|amp|lt|gt|quot|#\\d+);", Pattern.CASE_INSENSITIVE);
    private static final Pattern BLOCK = Pattern.compile("p|div|li|tr|h[1-6]|blockquote|ul|ol|table");

    private TextBodies() {
    }

    public static String normaliseNewlines(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }

    public static boolean looksLikeHtml(String s) {
        return LOOKS_LIKE_HTML.matcher(s).find();
    }

    /** Plain text stays as it is (bar newlines); HTML is converted. */
    public static String text(String s) {
        return looksLikeHtml(s) ? htmlToText(s) : normaliseNewlines(s);
    }

    public static String htmlToText(String html) {
        Document doc = Jsoup.parseBodyFragment(normaliseNewlines(html));
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    // source newlines inside HTML are layout, not content: browsers render them as spaces
                    out.append(t.getWholeText().replace('\n', ' ').replace('\u00a0', ' '));
                } else if (node instanceof Element e) {
                    if (e.normalName().equals("br")) {
                        out.append('\n');
                    } else if (BLOCK.matcher(e.normalName()).matches()) {
                        breakLine(out);
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && BLOCK.matcher(e.normalName()).matches()) {
                    breakLine(out);
                }
            }
        }, doc.body());
        String text = out.toString().replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n[ \\t]+", "\n").replaceAll(" {2,}", " ");
        return text.replaceAll("\\n{3,}", "\n\n").strip();
    }

    private static void breakLine(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }
}
