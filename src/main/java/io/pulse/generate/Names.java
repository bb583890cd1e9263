package io.pulse.generate;

import java.util.Locale;

/**
 * Company and person names. A company's name comes from its index through a seed-dependent
 * bijection onto "Prefix Core [Suffix]", so names are unique without any lookup table and a
 * company's name does not depend on how many companies are generated. The first
 * {@code PREFIXES x CORES} companies get two-word names ("Acme Analytics"); later ones a
 * suffix as well ("Acme Analytics Labs"). Domains are the lower-cased words joined by hyphens
 * plus {@code .com}; the word lists have no duplicates (case-insensitively), hence no two
 * companies share a name or a domain unless {@link CompanyProfile} makes a deliberate duplicate.
 */
final class Names {

    static final String[] PREFIXES = {
        "Acme", "Northwind", "Bluepeak", "Brightline", "Cedar", "Cobalt", "Copper", "Crescent", "Evergreen",
        "Falcon", "Granite", "Harbor", "Helix", "Horizon", "Ironwood", "Juniper", "Keystone", "Lumen", "Maple",
        "Meridian", "Nimbus", "Nova", "Oakridge", "Orbit", "Pinnacle", "Quarry", "Redwood", "Sable", "Summit",
        "Tidal", "Vertex", "Willow", "Zenith", "Alder", "Amber", "Anchor", "Apex", "Arbor", "Argo", "Aspen",
        "Atlas", "Aurora", "Beacon", "Birch", "Blackstone", "Bolt", "Boulder", "Bramble", "Bridge", "Brook",
        "Canyon", "Capstone", "Cascade", "Celest", "Cinder", "Citadel", "Clearwater", "Cliff", "Coastal",
        "Comet", "Compass", "Coral", "Cove", "Crimson", "Crown", "Cypress", "Delta", "Drift", "Dune", "Eagle",
        "Echo", "Ember", "Emerald", "Everest", "Fathom", "Fern", "Fjord", "Flint", "Forge", "Foxglove",
        "Frontier", "Gale", "Garnet", "Glacier", "Golden", "Grove", "Halcyon", "Hawthorn", "Heron", "Highland",
        "Indigo", "Iris", "Jade", "Jasper", "Kestrel", "Lakeside", "Lantern", "Larch", "Ledger", "Linden",
        "Lodestar", "Lotus", "Magnolia", "Mariner", "Marble", "Mesa", "Midway", "Mistral", "Monarch", "Moss",
        "Northstar", "Oasis", "Obsidian", "Onyx", "Opal", "Osprey", "Pacific", "Palisade", "Pebble", "Pelican",
        "Pine", "Polaris", "Prairie", "Prism", "Quill", "Radiant", "Raven", "Reef", "Ridge", "River", "Rook",
        "Saffron", "Sage", "Sequoia", "Shore", "Sierra", "Silverline", "Skyline", "Solstice", "Sparrow",
        "Spruce", "Starling", "Stone", "Sycamore", "Talon", "Terra", "Thistle", "Timber", "Topaz", "Trail",
        "True", "Tundra", "Umber", "Valley", "Vanguard", "Velvet", "Vista", "Wave", "Westfield", "Wren"
    };

    static final String[] CORES = {
        "Analytics", "Logistics", "Health", "Robotics", "Foods", "Software", "Dynamics", "Capital", "Energy",
        "Media", "Networks", "Retail", "Learning", "Biotech", "Freight", "Insurance", "Payments", "Security",
        "Telecom", "Ventures", "Apparel", "Aerospace", "Agritech", "Architecture", "Automation", "Banking",
        "Brewing", "Builders", "Cargo", "Chemicals", "Cloud", "Clinics", "Commerce", "Components", "Consulting",
        "Data", "Design", "Devices", "Diagnostics", "Digital", "Education", "Electric", "Engineering",
        "Fabrication", "Farms", "Finance", "Fitness", "Furniture", "Games", "Genomics", "Hospitality",
        "Imaging", "Industries", "Infrastructure", "Instruments", "Interactive", "Investments", "Lending",
        "Machines", "Manufacturing", "Marine", "Markets", "Materials", "Medical", "Metals", "Mobility",
        "Motors", "Nutrition", "Optics", "Outdoors", "Packaging", "Pharma", "Plastics", "Power", "Printing",
        "Properties", "Publishing", "Realty", "Recruiting", "Renewables", "Research", "Resources", "Robotix",
        "Semiconductors", "Shipping", "Sports", "Staffing", "Storage", "Studios", "Supply", "Textiles",
        "Therapeutics", "Tooling", "Transit", "Travel", "Trucking", "Utilities", "Vision", "Wellness",
        "Wireless", "Works", "Yards", "Airways", "Audio", "Bakery", "Cosmetics", "Dental", "Exports", "Grid"
    };

    /** Index 0 is "no suffix". */
    static final String[] SUFFIXES = {
        "", "Labs", "Group", "Systems", "Technologies", "Partners", "Holdings", "Solutions", "Collective",
        "International", "Global", "Co"
    };

    static final String[] FIRST_NAMES = {
        "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
        "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen",
        "daniel", "lisa", "matthew", "nancy", "anthony", "betty", "mark", "sandra", "steven", "ashley",
        "paul", "kimberly", "andrew", "emily", "joshua", "donna", "kevin", "michelle", "brian", "carol",
        "george", "amanda", "timothy", "melissa", "ronald", "deborah", "jason", "stephanie", "ryan", "rebecca",
        "jacob", "laura", "gary", "helen", "nicholas", "sharon", "eric", "cynthia", "jonathan", "kathleen",
        "priya", "arjun", "mei", "wei", "yuki", "hiroshi", "fatima", "omar", "sofia", "mateo", "lucas",
        "camila", "noah", "olivia", "liam", "emma", "ingrid", "lars", "chloe", "hugo", "amara", "kwame",
        "aisha", "chen", "ravi", "ananya", "diego", "valentina", "elena", "marco", "anna", "jonas"
    };

    static final String[] LAST_NAMES = {
        "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
        "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
        "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
        "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green",
        "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts", "patel",
        "shah", "kumar", "singh", "wang", "zhang", "li", "liu", "chen", "tanaka", "sato", "suzuki", "kim",
        "park", "choi", "muller", "schmidt", "schneider", "fischer", "weber", "rossi", "russo", "ferrari",
        "dubois", "moreau", "laurent", "silva", "santos", "oliveira", "costa", "andersson", "johansson",
        "nielsen", "hansen", "okafor", "mensah", "diallo", "cohen", "levi", "novak", "kowalski", "ivanov",
        "murphy", "kelly", "obrien", "walsh", "byrne", "reid", "fraser", "grant", "hughes", "evans"
    };

    private static final int TWO_WORD = PREFIXES.length * CORES.length;

    /** How many distinct company names exist. */
    static final int CAPACITY = TWO_WORD * SUFFIXES.length;

    private final long twoWordStep;
    private final long twoWordOffset;
    private final long suffixedStep;
    private final long suffixedOffset;

    Names(long seed) {
        twoWordStep = coprimeStep(Draw.mix(seed, -1, 1), TWO_WORD);
        twoWordOffset = Math.floorMod(Draw.mix(seed, -1, 2), TWO_WORD);
        int suffixed = CAPACITY - TWO_WORD;
        suffixedStep = coprimeStep(Draw.mix(seed, -1, 3), suffixed);
        suffixedOffset = Math.floorMod(Draw.mix(seed, -1, 4), suffixed);
    }

    /** The company name of an index, unique over 0 .. CAPACITY-1. */
    String company(int index) {
        int[] parts = parts(index);
        String name = PREFIXES[parts[0]] + " " + CORES[parts[1]];
        return parts[2] == 0 ? name : name + " " + SUFFIXES[parts[2]];
    }

    /** The domain of an index without its top-level domain, e.g. {@code acme-analytics} (lower case). */
    String domainStem(int index) {
        int[] parts = parts(index);
        String stem = PREFIXES[parts[0]] + "-" + CORES[parts[1]];
        if (parts[2] != 0) {
            stem = stem + "-" + SUFFIXES[parts[2]];
        }
        return stem.toLowerCase(Locale.ROOT);
    }

    private int[] parts(int index) {
        if (index < 0 || index >= CAPACITY) {
            throw new IllegalArgumentException("company index out of range: " + index);
        }
        int j;
        int suffix;
        if (index < TWO_WORD) {
            j = (int) Math.floorMod(index * twoWordStep + twoWordOffset, (long) TWO_WORD);
            suffix = 0;
        } else {
            int k = (int) Math.floorMod((index - TWO_WORD) * suffixedStep + suffixedOffset, (long) (CAPACITY - TWO_WORD));
            j = k % TWO_WORD;
            suffix = 1 + k / TWO_WORD;
        }
        return new int[] {j % PREFIXES.length, j / PREFIXES.length, suffix};
    }

    /** A step in [1, modulus) coprime with the modulus, so index * step + offset is a permutation. */
    private static long coprimeStep(long random, int modulus) {
        long step = 1 + Math.floorMod(random, (long) modulus - 1);
        while (gcd(step, modulus) != 1) {
            step = step % (modulus - 1) + 1;
        }
        return step;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
