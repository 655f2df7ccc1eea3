package dev.muserving.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * CPU as a Function and a scenario write it: whole millicores ({@code 500m}) or cores with an
 * optional decimal part ({@code 2}, {@code 0.5}). One grammar for the CRD's schema, the operator,
 * {@code mu local} and {@code mu bench}, so a request one of them takes the others take too (a
 * scenario once accepted {@code 1.5m}, which kube-apiserver refuses).
 */
public final class CpuQuantity {

    /** The CRD's schema pattern (a constant, so annotations can name it). */
    public static final String PATTERN = "^([0-9]+m|[0-9]+(\\.[0-9]+)?)$";
    /** How an error message names the form. */
    public static final String FORM = "cores (2, 0.5) or millicores (500m)";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private CpuQuantity() {}

    /**
     * Millicores, a fraction of one rounded up as Kubernetes rounds it, and at most
     * {@link Long#MAX_VALUE}; empty for anything not in the grammar.
     */
    public static OptionalLong millis(String text) {
        if (text == null || !COMPILED.matcher(text).matches()) {
            return OptionalLong.empty();
        }
        BigDecimal millis = text.endsWith("m")
                ? new BigDecimal(text.substring(0, text.length() - 1))
                : new BigDecimal(text).movePointRight(3).setScale(0, RoundingMode.CEILING);
        return OptionalLong.of(millis.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact());
    }
}
