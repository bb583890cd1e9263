package io.pulse.generate;

/**
 * Identifiers shaped like the real systems': Intercom ids are Mongo ObjectIds (creation time in
 * the first 8 hex digits), Salesforce ids are 18 characters with the key prefix ({@code 001}
 * account, {@code 003} contact, {@code 005} user, {@code 006} opportunity, {@code 017} field
 * history) and the case-safe checksum suffix, and conversation ids are 15 digits. Salesforce and conversation ids grow with the company
 * index and the per-company sequence, so rows arrive in key order and SQLite appends to its
 * indexes instead of splitting pages at random.
 */
final class Ids {

    static final String ACCOUNT = "001";
    static final String CONTACT = "003";
    static final String USER = "005";
    static final String OPPORTUNITY = "006";
    static final String FIELD_HISTORY = "017";

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** ASCII order, so a larger number is also a larger string. */
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final char[] CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".toCharArray();

    private Ids() {}

    /** ObjectId-like: 8 hex digits of creation time, 16 of a random value. */
    static String objectId(long createdEpochSecond, long random) {
        char[] out = new char[24];
        long time = createdEpochSecond & 0xFFFF_FFFFL;
        for (int i = 7; i >= 0; i--) {
            out[i] = HEX[(int) (time & 0xF)];
            time >>>= 4;
        }
        for (int i = 23; i >= 8; i--) {
            out[i] = HEX[(int) (random & 0xF)];
            random >>>= 4;
        }
        return new String(out);
    }

    /** An 18-character Salesforce id: prefix, instance "5g", ten base-62 digits, checksum. */
    static String salesforce(String keyPrefix, long number) {
        char[] out = new char[18];
        keyPrefix.getChars(0, 3, out, 0);
        out[3] = '5';
        out[4] = 'g';
        long n = number;
        for (int i = 14; i >= 5; i--) {
            out[i] = BASE62[(int) (n % 62)];
            n /= 62;
        }
        for (int chunk = 0; chunk < 3; chunk++) {
            int flags = 0;
            for (int j = 0; j < 5; j++) {
                char c = out[chunk * 5 + j];
                if (c >= 'A' && c <= 'Z') {
                    flags |= 1 << j;
                }
            }
            out[15 + chunk] = CHECKSUM[flags];
        }
        return new String(out);
    }

    /** 15 digits: 1, the company index (6 digits), the company's conversation sequence (8 digits). */
    static String conversation(int companyIndex, int sequence) {
        return Long.toString(100_000_000_000_000L + companyIndex * 100_000_000L + sequence);
    }
}
