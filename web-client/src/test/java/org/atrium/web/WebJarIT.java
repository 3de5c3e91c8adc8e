package org.atrium.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The jar the broker depends on, after packaging: the same files as the class output, all loadable.
 */
class WebJarIT {

    @Test
    void jarServesNoVncAndEveryPageReference() {
        Path jar = Path.of(PackagedAssets.requiredProperty("webclient.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " was not packaged");
        PackagedAssets assets = PackagedAssets.fromJar(jar);

        for (String path : PackagedAssetsTest.REQUIRED) {
            assertTrue(assets.contains(path), path + " is missing from " + jar.getFileName());
        }
        assertEquals(List.of(), AssetReferences.brokenReferences(assets));
        assertEquals(
                PackagedAssets.fromBuildOutput().files().keySet(),
                assets.files().keySet(),
                "the jar and the class output differ");
    }
}
