package dev.pmsconversations.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a paginated list lazily, one request per {@link #next()}, the way the source file's {@code pagination} says:
 * offset and limit, page numbers (with a has-next or total-pages pointer), or a cursor from the answer; in the query
 * or in a JSON body. A page whose body is not what the source file describes raises {@link MalformedPageException};
 * the pager has then moved past it, so the caller may record it and go on with the next page.
 */
public final class Pager {
    private final Requester requester;
    private final PmsAccount pms;
    private final ApiSpec.Request request;
    private final Map<String, String> pathParams;
    private final Map<String, String> extraQuery;
    private int offset;
    private int pageNo;
    private String cursor;
    private boolean done;
    /** The last page's whole answer (for {@code envelope}). */
    private JsonNode lastBody;

    Pager(Requester requester, PmsAccount pms, ApiSpec.Request request, Map<String, String> pathParams, Map<String, String> extraQuery) {
        this.requester = requester;
        this.pms = pms;
        this.request = request;
        this.pathParams = pathParams;
        this.extraQuery = extraQuery;
        this.pageNo = request.pagination().firstPage();
    }

    /** The next page's records, or null when there are no more pages. */
    public List<JsonNode> next() {
        if (done) {
            return null;
        }
        ApiSpec.Pagination p = request.pagination();
        Map<String, String> query = new LinkedHashMap<>();
        request.query().forEach((k, v) -> query.put(k, v.indexOf('{') >= 0 && !v.startsWith("{credential:")
                ? RequestTemplates.fill(v, pathParams) : v));
        query.putAll(extraQuery);
        ObjectNode requestBody = RequestTemplates.requestBody(request, pathParams);
        Map<String, String> paging = paging(p);
        if (p.inBody()) {
            paging.forEach((pointer, value) -> RequestTemplates.setAt(requestBody, pointer, value));
        } else {
            query.putAll(paging);
        }
        String path = RequestTemplates.expand(request.path(), pathParams);
        String what = request.method() + " " + path + pageLabel(p);
        JsonNode body;
        try {
            body = requester.getJson(request.method(), path, query, requestBody, what);
        } catch (MalformedPageException e) {
            advance(p.size(), null);
            throw e;
        }
        lastBody = body;
        JsonNode records = body.at(JsonPointer.compile(request.records()));
        if (!records.isArray()) {
            advance(p.size(), null);
            throw new MalformedPageException(pms.fail(what + ": no record list at '" + request.records() + "' in the answer"));
        }
        List<JsonNode> list = new ArrayList<>(records.size());
        records.forEach(list::add);
        if (list.isEmpty() || p.type().equals("none")) {
            done = true;
        } else {
            advance(list.size(), body);
        }
        return list;
    }

    public void stop() {
        done = true;
    }

    /** The last page's whole answer (the messages' envelope is read from it). */
    JsonNode lastBody() {
        return lastBody;
    }

    private Map<String, String> paging(ApiSpec.Pagination p) {
        Map<String, String> paging = new LinkedHashMap<>();
        switch (p.type()) {
            case "offset" -> {
                paging.put(p.limitParam(), Integer.toString(p.size()));
                paging.put(p.offsetParam(), Integer.toString(offset));
            }
            case "page" -> {
                if (!p.limitParam().isEmpty()) { // "" = the PMS has a fixed page size
                    paging.put(p.limitParam(), Integer.toString(p.size()));
                }
                paging.put(p.pageParam(), Integer.toString(pageNo));
            }
            case "cursor" -> {
                paging.put(p.limitParam(), Integer.toString(p.size()));
                if (cursor != null) {
                    paging.put(p.cursorParam(), cursor);
                }
            }
            default -> {
            }
        }
        return paging;
    }

    /** e.g. {"next_page": 3}, {"pages": {"nextPageExists": true}}, {"next_page_url": "…"}: absent, null, false, 0 or "" = last page. */
    private static boolean lastPage(JsonNode body, String hasNextPath) {
        JsonNode more = body.at(JsonPointer.compile(hasNextPath));
        return more.isMissingNode() || more.isNull() || (more.isBoolean() && !more.asBoolean())
                || (more.isNumber() && more.asLong() == 0) || (more.isTextual() && more.asText().isEmpty());
    }

    private void advance(int got, JsonNode body) {
        ApiSpec.Pagination p = request.pagination();
        switch (p.type()) {
            case "offset" -> {
                // with a has-next pointer (e.g. OwnerRez's next_page_url) that the answer carries, a short page ends
                // nothing: a PMS that ignores the requested limit and answers 20 at a time is still read to the end;
                // an answer without the key falls back to the page size
                boolean pointed = body != null && p.hasNextPath() != null && !body.at(JsonPointer.compile(p.hasNextPath())).isMissingNode();
                done = body != null && (pointed ? lastPage(body, p.hasNextPath()) : got < p.size());
                offset += Math.max(got, 1);
            }
            case "page" -> {
                if (body != null && p.hasNextPath() != null) {
                    done = lastPage(body, p.hasNextPath());
                } else if (body != null && p.totalPagesPath() != null) {
                    JsonNode total = body.at(JsonPointer.compile(p.totalPagesPath()));
                    done = total.isNumber() && pageNo >= total.asInt();
                } else {
                    done = body != null && got < p.size();
                }
                pageNo++;
            }
            case "cursor" -> {
                // a page we could not read has no next cursor: the rest of this listing is out of reach
                JsonNode next = body == null ? null : body.at(JsonPointer.compile(p.nextCursorPath()));
                cursor = next == null || next.isNull() || next.isMissingNode() ? null : next.asText();
                done = cursor == null || cursor.isEmpty();
            }
            default -> done = true;
        }
    }

    private String pageLabel(ApiSpec.Pagination p) {
        return switch (p.type()) {
            case "offset" -> " (offset " + offset + ")";
            case "page" -> " (page " + pageNo + ")";
            case "cursor" -> " (cursor)";
            default -> "";
        };
    }
}
