package org.atrium.systemtests;

import java.util.Arrays;
import java.util.List;

/**
 * What the noVNC canvas shows, reduced to numbers a test can compare: how many pixels are lit in
 * each band of 16 rows (one text row of the VGA console). A blinking cursor changes one band by a
 * few pixels, text changes it by many, so bands compare with a tolerance.
 */
record Screen(int width, int height, int[] litPerBand) {
    /**
     * Pixels one band may differ by and still count as the same picture (a cursor is 9x2 pixels).
     */
    static final int TOLERANCE = 40;

    private static final String SAMPLE =
            """
            const canvas = document.querySelector('#screen canvas');
            if (!canvas || canvas.width === 0 || canvas.height === 0) return null;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            const bands = [];
            for (let y = 0; y < canvas.height; y += 16) {
              let lit = 0;
              for (let row = y; row < Math.min(y + 16, canvas.height); row++) {
                for (let x = 0; x < canvas.width; x++) {
                  const i = (row * canvas.width + x) * 4;
                  if (data[i] + data[i + 1] + data[i + 2] > 96) lit++;
                }
              }
              bands.push(lit);
            }
            return [canvas.width, canvas.height].concat(bands);
            """;

    /** The current picture, or null while noVNC has no canvas with pixels yet. */
    static Screen sample(Browser browser) {
        Object result = browser.script(SAMPLE);
        if (!(result instanceof List<?> values)) {
            return null;
        }
        int[] numbers = values.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        return new Screen(numbers[0], numbers[1], Arrays.copyOfRange(numbers, 2, numbers.length));
    }

    int litInTopBand() {
        return litPerBand.length == 0 ? 0 : litPerBand[0];
    }

    int lit() {
        return Arrays.stream(litPerBand).sum();
    }

    /** How many text rows show text (more than a cursor's worth of lit pixels). */
    int litBands() {
        return (int) Arrays.stream(litPerBand).filter(lit -> lit > TOLERANCE).count();
    }

    boolean blank() {
        return lit() == 0;
    }

    boolean sameAs(Screen other) {
        if (other == null
                || other.width != width
                || other.height != height
                || other.litPerBand.length != litPerBand.length) {
            return false;
        }
        for (int i = 0; i < litPerBand.length; i++) {
            if (Math.abs(litPerBand[i] - other.litPerBand[i]) > TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return width + "x" + height + " lit per band " + Arrays.toString(litPerBand);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Screen screen
                && screen.width == width
                && screen.height == height
                && Arrays.equals(screen.litPerBand, litPerBand);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(litPerBand);
    }
}
