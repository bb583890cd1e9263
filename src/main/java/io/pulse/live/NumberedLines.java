package io.pulse.live;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

import java.io.IOException;

/**
 * The lines of live files with where each is: the file and its line number, so a dead letter can
 * say where its line came from. Flink's {@link TextLineInputFormat} reads them; a file is one
 * split (it is not splittable), read from its start, and each line's position is the number of
 * lines read from the start of the file up to and including it: its line number, also when a
 * reader resumes a file from a checkpoint (which skips that many lines).
 */
final class NumberedLines implements BulkFormat<NumberedLines.Line, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** One line of a file: the file, the line's number (from 1), its text without the line break. */
    public static final class Line {
        public String file;
        public long number;
        public String text;

        public Line() {}

        public Line(String file, long number, String text) {
            this.file = file;
            this.number = number;
            this.text = text;
        }

        /** Where the line is: {@code path:number}. */
        public String where() {
            return file + ":" + number;
        }
    }

    private final StreamFormatAdapter<String> lines = new StreamFormatAdapter<>(new TextLineInputFormat());

    @Override
    public Reader<Line> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return numbered(lines.createReader(config, split), split);
    }

    @Override
    public Reader<Line> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return numbered(lines.restoreReader(config, split), split);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<Line> getProducedType() {
        return TypeInformation.of(Line.class);
    }

    private static Reader<Line> numbered(Reader<String> reader, FileSourceSplit split) {
        String file = split.path().getPath();
        return new Reader<>() {
            @Override
            public RecordIterator<Line> readBatch() throws IOException {
                RecordIterator<String> batch = reader.readBatch();
                if (batch == null) {
                    return null;
                }
                return new RecordIterator<>() {
                    @Override
                    public RecordAndPosition<Line> next() {
                        RecordAndPosition<String> r = batch.next();
                        if (r == null) {
                            return null;
                        }
                        return new RecordAndPosition<>(new Line(file, r.getRecordSkipCount(), r.getRecord()),
                                r.getOffset(), r.getRecordSkipCount());
                    }

                    @Override
                    public void releaseBatch() {
                        batch.releaseBatch();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }
}
