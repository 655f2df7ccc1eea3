package dev.muserving.dataplane;

import dev.muserving.api.MuHeaders;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Removes the Mu protocol's headers from a header map: clients may never set nor see them. */
public final class InternalHeaders {

    private InternalHeaders() {}

    /** @return how many headers were removed */
    public static int strip(MultiMap headers) {
        List<String> internal = null;
        for (Map.Entry<String, String> header : headers) { // entries, not names(): no set built per request
            if (MuHeaders.isInternal(header.getKey())) {
                if (internal == null) {
                    internal = new ArrayList<>(2);
                }
                internal.add(header.getKey());
            }
        }
        if (internal == null) {
            return 0;
        }
        internal.forEach(headers::remove);
        return internal.size();
    }
}
