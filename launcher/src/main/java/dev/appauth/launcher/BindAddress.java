package dev.appauth.launcher;

import picocli.CommandLine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The address the stack's servers listen on (Keycloak, the mail catcher, Redis): 127.0.0.1 unless
 * ./run.sh --bind says otherwise. PostgreSQL always listens on localhost only.
 */
public record BindAddress(InetAddress address) {

    public static final BindAddress LOOPBACK = of("127.0.0.1");

    /** An IP address literal (IPv4 or IPv6); host names are refused, so that nothing is looked up. */
    public static BindAddress of(String literal) {
        // InetAddress would look anything else up in DNS, 256.1.1.1 included
        boolean ipv4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && Arrays.stream(literal.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        if (!ipv4 && !literal.contains(":")) {
            throw new IllegalArgumentException("not an IP address: " + literal + " (e.g. 127.0.0.1 or 0.0.0.0)");
        }
        try {
            return new BindAddress(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal + " (e.g. 127.0.0.1 or 0.0.0.0)");
        }
    }

    /** What a server is told to bind to, e.g. 127.0.0.1 or 0.0.0.0. */
    public String host() {
        return address.getHostAddress();
    }

    /** 0.0.0.0 or ::, every interface. */
    public boolean everyInterface() {
        return address.isAnyLocalAddress();
    }

    /** Where a client on this machine reaches a server bound here. */
    public String localHost() {
        return everyInterface() ? "127.0.0.1" : host();
    }

    /** {@link #localHost()} as the host part of a URL (IPv6 in brackets). */
    public String localUrlHost() {
        String host = localHost();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The host of URLs shown to people: "localhost" where that reaches the server. */
    public String displayHost() {
        return everyInterface() || address.isLoopbackAddress() && !(address instanceof Inet6Address)
                ? "localhost" : localUrlHost();
    }

    @Override
    public String toString() {
        return host();
    }

    static final class Converter implements CommandLine.ITypeConverter<BindAddress> {
        @Override
        public BindAddress convert(String value) {
            try {
                return of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
