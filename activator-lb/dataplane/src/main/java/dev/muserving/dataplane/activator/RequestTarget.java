package dev.muserving.dataplane.activator;

/**
 * The authority a request is for and its URI in origin form (RFC 9112 §3.2). A request sent in
 * absolute form ({@code GET http://host/path}, as clients configured with a forward proxy send) names
 * its authority in the target, and the Host header is then to be ignored: routing by one and
 * forwarding the other would let the function see another host than the one it was chosen for.
 *
 * @param authority the host (and port) the request is for, or null when it names none
 * @param uri the path and query
 * @param absolute whether the authority came from the target rather than the Host header
 */
record RequestTarget(String authority, String uri, boolean absolute) {

    static RequestTarget of(String requestUri, String hostHeader) {
        if (requestUri != null && !requestUri.startsWith("/")) { // origin form, nearly always: nothing to look at
            int schemeEnd = requestUri.regionMatches(true, 0, "http://", 0, 7) ? 7
                    : requestUri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
            if (schemeEnd > 0) {
                int pathStart = schemeEnd;
                while (pathStart < requestUri.length() && "/?#".indexOf(requestUri.charAt(pathStart)) < 0) {
                    pathStart++;
                }
                String rest = requestUri.substring(pathStart);
                return new RequestTarget(requestUri.substring(schemeEnd, pathStart), rest.startsWith("/") ? rest : "/" + rest, true);
            }
        }
        return new RequestTarget(hostHeader, requestUri, false);
    }
}
