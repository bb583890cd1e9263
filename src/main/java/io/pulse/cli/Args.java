package io.pulse.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Checks of the files and directories a command is given, before it starts anything: each failure
 * is a {@link CliFailure#usage} that names the option. And the converters of durations and dates,
 * whose messages say what an unreadable value should look like.
 */
final class Args {
    private Args() {}

    /** An existing, readable regular file: {@code what} says what it should be, {@code hint} how to get one. */
    static Path existingFile(String option, Path file, String what, String hint) {
        if (Files.isDirectory(file)) {
            throw CliFailure.usage(option + ": " + file + " is a directory, not a " + what);
        }
        if (!Files.exists(file)) {
            throw CliFailure.usage(option + ": no " + what + " at " + file + (hint == null ? "" : " (" + hint + ")"));
        }
        if (!Files.isReadable(file)) {
            throw CliFailure.usage(option + ": cannot read " + file + " (permission denied)");
        }
        return file;
    }

    /** An existing, readable directory. */
    static Path existingDirectory(String option, Path dir, String what) {
        if (!Files.exists(dir)) {
            throw CliFailure.usage(option + ": no " + what + " at " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw CliFailure.usage(option + ": " + dir + " is a file, not a " + what);
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw CliFailure.usage(option + ": cannot read " + dir + " (permission denied)");
        }
        return dir;
    }

    /** A directory that is there or can be created: no file in its place or in the place of a parent. */
    static Path directoryToCreate(String option, Path dir) {
        Path existing = nearestExisting(dir);
        if (existing != null && !Files.isDirectory(existing)) {
            throw CliFailure.usage(option + ": " + existing + " is a file, not a directory"
                    + (existing.equals(dir.toAbsolutePath()) ? "" : " (in " + dir + ")"));
        }
        if (existing != null && !Files.isWritable(existing) && !existing.equals(dir.toAbsolutePath())) {
            throw CliFailure.usage(option + ": cannot create " + dir + " (" + existing + " is not writable)");
        }
        return dir;
    }

    /** A file to (re)write: not a directory, and its directory there or creatable. */
    static Path fileToWrite(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw CliFailure.usage(option + ": " + file + " is a directory, not a file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            directoryToCreate(option, parent);
        }
        return file;
    }

    /** A file to write whose directory must already exist (SQLite does not create it). */
    static Path fileInExistingDirectory(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw CliFailure.usage(option + ": " + file + " is a directory, not a database file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw CliFailure.usage(option + ": no directory " + parent + " for " + file + " (create it first)");
        }
        return file;
    }

    private static Path nearestExisting(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    /** ISO-8601 durations (PT10S, P1D); picocli names the option in front. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("cannot read the duration '" + value
                        + "': give an ISO-8601 duration such as PT10S, PT0.5S, PT4H or P1D");
            }
        }
    }

    /** Dates as YYYY-MM-DD. */
    static final class DateConverter implements ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return LocalDate.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("cannot read the date '" + value
                        + "': give a date as YYYY-MM-DD, e.g. 2025-03-01");
            }
        }
    }
}
