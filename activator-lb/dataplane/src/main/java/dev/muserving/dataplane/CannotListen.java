package dev.muserving.dataplane;

import java.net.BindException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a server could not listen, in the words of the setting to change: an address that is none
 * or not this machine's, or a port in use. A main that only printed the exception left its user to
 * guess which setting (and the activator-lb's hung, its event loops still running).
 */
public final class CannotListen {

    private CannotListen() {}

    /**
     * @param address the setting that names the address, and its value ({@code MU_BIND_ADDRESS 0.0.0.0}, {@code --address 127.0.0.1})
     * @param port the setting that names the port, and its value; may name two ({@code MU_PORT 8012 or MU_ADMIN_PORT 8022})
     * @return empty when the failure is not about the address or the port
     */
    public static Optional<String> why(Throwable failure, String address, String port) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return Optional.of(address + ": not an address (" + t.getMessage() + ")");
            }
            if (t instanceof BindException bind) {
                if (!String.valueOf(bind.getMessage()).toLowerCase(Locale.ROOT).contains("in use")) {
                    return Optional.of(address + ": cannot listen there (" + bind.getMessage()
                            + "); give an address of this machine, 127.0.0.1 or 0.0.0.0");
                }
                return Optional.of(port + ": already in use; pick another port, or 0 for any free one");
            }
        }
        return Optional.empty();
    }
}
