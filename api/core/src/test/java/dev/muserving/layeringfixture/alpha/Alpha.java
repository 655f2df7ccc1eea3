package dev.muserving.layeringfixture.alpha;

import dev.muserving.layeringfixture.beta.Beta;

/** Half of a package cycle, for LayeringTest. */
public class Alpha {
    Beta beta;
}
