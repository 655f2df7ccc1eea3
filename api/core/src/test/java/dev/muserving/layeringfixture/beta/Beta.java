package dev.muserving.layeringfixture.beta;

import dev.muserving.layeringfixture.alpha.Alpha;

/** The other half of the package cycle. */
public class Beta {
    Alpha alpha;
}
