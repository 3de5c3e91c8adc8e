package org.atrium.host.rfb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real VNC client from Debian connects over raw TCP: {@code gvnccapture} from the gtk-vnc project
 * (package {@code gvncviewer}, installed by .ci/install-prereqs). It runs headless, negotiates RFB
 * 3.8 and the encodings it prefers, captures one full frame and saves it as PNG; the PNG must equal
 * the served framebuffer pixel for pixel.
 */
class GvncCaptureTest {
    private static final Path GVNCCAPTURE = Path.of("/usr/bin/gvnccapture");

    @Test
    void gvnccaptureSeesTheFramebufferPixelForPixel(@TempDir Path dir) throws Exception {
        assertTrue(
                Files.isExecutable(GVNCCAPTURE),
                "gvnccapture is missing: run .ci/install-prereqs (Debian package gvncviewer)");
        TestDisplay display = new TestDisplay(320, 200);
        display.paintTestPattern(42);
        RfbTarget target = new RfbTarget("gvnc-vm", display, (c, p) -> {}, (x, y, b) -> {});
        try (RfbServer server = new RfbServer(1)) {
            // gvnccapture takes HOST:DISPLAY, port 5900 + DISPLAY: find a free display number.
            InetSocketAddress bound = null;
            for (int displayNumber = 57; bound == null && displayNumber < 100; displayNumber++) {
                try {
                    bound =
                            server.bindTcp(
                                    new InetSocketAddress("127.0.0.1", 5900 + displayNumber),
                                    target,
                                    RfbSessionOptions.open());
                } catch (Exception inUse) {
                    // try the next display number
                }
            }
            assertTrue(bound != null, "no free VNC display number");
            Path png = dir.resolve("capture.png");
            Process p =
                    new ProcessBuilder(
                                    GVNCCAPTURE.toString(),
                                    "127.0.0.1:" + (bound.getPort() - 5900),
                                    png.toString())
                            .redirectErrorStream(true)
                            .start();
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) p.destroyForcibly();
            assertTrue(finished, "gvnccapture did not finish: " + output);
            assertEquals(0, p.exitValue(), "gvnccapture failed: " + output);
            BufferedImage image = read(png);
            assertEquals(320, image.getWidth());
            assertEquals(200, image.getHeight());
            for (int y = 0; y < 200; y++) {
                for (int x = 0; x < 320; x++) {
                    assertEquals(
                            display.pixel(x, y),
                            image.getRGB(x, y) & 0xffffff,
                            "pixel " + x + "," + y);
                }
            }
        }
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null, "gvnccapture wrote no readable PNG");
        return image;
    }
}
