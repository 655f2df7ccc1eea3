package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The seeds of {@code --seeds}: a range {@code 1..5} or a list {@code 1,4,9}, each seed once. */
final class SeedList {

    private static final Pattern RANGE = Pattern.compile("([^,]*?)\\.\\.([^,]*)"); // each end checked by number()
    /** Enough for any interval of the median; a guard against a typo like 1..100000. */
    static final int MAX_SEEDS = 1000;

    private SeedList() {}

    static List<Long> parse(String text) {
        String given = text.strip();
        Matcher range = RANGE.matcher(given);
        List<Long> seeds = new ArrayList<>();
        if (range.matches()) {
            long from = number(range.group(1).strip(), text);
            long to = number(range.group(2).strip(), text);
            if (to < from) {
                throw new BadInputException("--seeds " + text + ": the range ends before it starts");
            }
            // to - from, not to - from + 1, which overflows for 0..Long.MAX_VALUE
            if (to - from >= MAX_SEEDS) {
                throw new BadInputException("--seeds " + text + ": at most " + MAX_SEEDS + " seeds");
            }
            for (long s = from; s != to; s++) { // s <= to never ends when to is Long.MAX_VALUE
                seeds.add(s);
            }
            seeds.add(to);
        } else {
            Set<Long> unique = new LinkedHashSet<>();
            for (String part : given.split(",")) {
                if (!unique.add(number(part.strip(), text))) {
                    throw new BadInputException("--seeds " + text + ": seed " + part.strip() + " is listed twice");
                }
            }
            seeds.addAll(unique);
        }
        if (seeds.size() < 2) {
            throw new BadInputException("--seeds " + text + ": give two seeds or more (one seed is --seed)");
        }
        return seeds;
    }

    private static long number(String part, String text) {
        try {
            long value = Long.parseLong(part);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BadInputException("--seeds " + text + ": '" + part + "' is not a seed (a whole number ≥ 0); write A..B or A,B,…");
        }
    }
}
