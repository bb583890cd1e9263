package io.pulse.generate;

/**
 * The schema's text timestamps ({@code YYYY-MM-DD HH:MM:SS}, UTC unless an offset follows),
 * formatted by hand from epoch seconds: the generator writes millions of them and
 * {@code DateTimeFormatter} would dominate the run time.
 */
final class Timestamps {

    static final long SECONDS_PER_DAY = 86_400;

    private Timestamps() {}

    /** UTC timestamp. */
    static String utc(long epochSecond) {
        char[] out = new char[19];
        write(out, epochSecond);
        return new String(out);
    }

    /** The same instant as local time at a fixed offset, e.g. {@code 2025-02-01 02:30:00+08:00}. */
    static String withOffset(long epochSecond, int offsetMinutes) {
        char[] out = new char[25];
        write(out, epochSecond + offsetMinutes * 60L);
        int abs = Math.abs(offsetMinutes);
        out[19] = offsetMinutes < 0 ? '-' : '+';
        two(out, 20, abs / 60);
        out[22] = ':';
        two(out, 23, abs % 60);
        return new String(out);
    }

    /** Calendar date {@code YYYY-MM-DD} of an epoch day. */
    static String date(long epochDay) {
        char[] out = new char[10];
        writeDate(out, epochDay);
        return new String(out);
    }

    /** Day of month (1-31) of an epoch day. */
    static int dayOfMonth(long epochDay) {
        return (int) (civil(epochDay) % 100);
    }

    /** Year of an epoch day. */
    static int year(long epochDay) {
        return (int) (civil(epochDay) / 10_000);
    }

    private static void write(char[] out, long epochSecond) {
        long day = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) (epochSecond - day * SECONDS_PER_DAY);
        writeDate(out, day);
        out[10] = ' ';
        two(out, 11, secondOfDay / 3600);
        out[13] = ':';
        two(out, 14, secondOfDay / 60 % 60);
        out[16] = ':';
        two(out, 17, secondOfDay % 60);
    }

    private static void writeDate(char[] out, long epochDay) {
        long ymd = civil(epochDay);
        int year = (int) (ymd / 10_000);
        out[0] = (char) ('0' + year / 1000);
        out[1] = (char) ('0' + year / 100 % 10);
        out[2] = (char) ('0' + year / 10 % 10);
        out[3] = (char) ('0' + year % 10);
        out[4] = '-';
        two(out, 5, (int) (ymd / 100 % 100));
        out[7] = '-';
        two(out, 8, (int) (ymd % 100));
    }

    /** Epoch day to yyyymmdd (Howard Hinnant's civil_from_days). */
    private static long civil(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        return y * 10_000 + m * 100 + d;
    }

    private static void two(char[] out, int at, int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
    }
}
