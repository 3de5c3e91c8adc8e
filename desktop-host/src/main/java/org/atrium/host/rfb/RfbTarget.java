package org.atrium.host.rfb;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.PointerInput;

/**
 * What an RFB client sees and drives: one VM's screen, keyboard and pointer, and its name. Every
 * client's channel joins {@code clients} (which forgets closed channels by itself), so the owner
 * can close them all when the VM goes.
 */
public record RfbTarget(
        String name,
        DisplaySurface display,
        KeyboardInput keyboard,
        PointerInput pointer,
        ChannelGroup clients) {

    public RfbTarget(
            String name, DisplaySurface display, KeyboardInput keyboard, PointerInput pointer) {
        this(name, display, keyboard, pointer, newClientGroup(name));
    }

    public static ChannelGroup newClientGroup(String name) {
        return new DefaultChannelGroup("rfb-" + name, GlobalEventExecutor.INSTANCE);
    }
}
