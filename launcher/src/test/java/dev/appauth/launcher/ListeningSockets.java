package dev.appauth.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The addresses this machine's TCP servers listen on, read from /proc/net/tcp and /proc/net/tcp6 (Linux):
 * a test sees where a server is bound without sending anything to a non-loopback address.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** Every local address with a listening socket on this port, e.g. [127.0.0.1] or [0.0.0.0, ::]. */
    public static Set<String> addresses(int port) throws IOException {
        Set<String> result = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
                    result.add(InetAddress.getByAddress(kernelOrder(local[0])).getHostAddress());
                }
            }
        }
        return result;
    }

    /** 0.0.0.0 or ::, as {@link #addresses} prints them. */
    public static boolean everyInterface(String address) {
        return address.equals("0.0.0.0") || address.equals("0:0:0:0:0:0:0:0");
    }

    /** The kernel prints an address as 32-bit words in host (little-endian) order. */
    private static byte[] kernelOrder(String hex) {
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] address = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = raw[word + 3 - i];
            }
        }
        return address;
    }
}
