package io.imagefleet.worker.source;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressPolicyTest {
    private final AddressPolicy policy = AddressPolicy.publicOnly();

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
        "0.0.0.0, ANY_LOCAL", "::, ANY_LOCAL", "0.1.2.3, RESERVED",
        "10.1.2.3, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
        "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
        "100.64.0.1, SHARED", "100.127.255.254, SHARED",
        "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL",
        "169.254.169.254, METADATA", "fd00:ec2::254, METADATA",
        "224.0.0.1, MULTICAST", "ff02::1, MULTICAST", "255.255.255.255, BROADCAST", "240.0.0.1, RESERVED",
        "192.0.2.1, RESERVED", "198.18.0.1, RESERVED", "2001:db8::1, RESERVED", "2001::1, RESERVED",
        "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.0.0.1, PRIVATE", "::ffff:169.254.169.254, METADATA",
        "::127.0.0.1, LOOPBACK", "::10.0.0.1, PRIVATE",
        "64:ff9b::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, METADATA", "2002:7f00:1::, LOOPBACK",
        "2002:0a00:0001::1, PRIVATE",
        "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "2606:4700::1111, PUBLIC",
        "64:ff9b::808:808, PUBLIC", "2002:808:808::1, PUBLIC"})
    void kindOf_address_isClassified(String literal, AddressPolicy.Kind expected) throws Exception {
        assertThat(AddressPolicy.kindOf(InetAddress.getByName(literal))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "0x7f.0.0.1", "017700000001",
        "0", "00.0.0.0", "127.000.000.001"})
    void addressesFor_nonCanonicalNumericHost_isRefusedWithoutLookup(String host) {
        assertThatThrownBy(() -> policy.addressesFor(host))
                .isInstanceOf(AddressPolicy.Refused.class)
                .hasMessageContaining("non-canonical numeric address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]", "localhost", "LOCALHOST.", "0.0.0.0", "[::]", "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[::127.0.0.1]", "169.254.169.254", "10.0.0.1"})
    void addressesFor_forbiddenHost_isRefusedNamingTheAddress(String host) {
        assertThatThrownBy(() -> policy.addressesFor(host))
                .isInstanceOf(AddressPolicy.Refused.class)
                .hasMessageMatching("address .* is [a-z-]+.*");
    }

    @Test
    void addressesFor_publicLiteral_isAllowed() throws Exception {
        assertThat(policy.addressesFor("8.8.8.8")).containsExactly(InetAddress.getByName("8.8.8.8"));
    }

    @Test
    void addressesFor_allowPrivate_opensLoopbackButNotMetadataOrAnyLocal() throws Exception {
        AddressPolicy open = new AddressPolicy(List.of(), true);

        assertThat(open.addressesFor("127.0.0.1")).hasSize(1);
        assertThat(open.addressesFor("10.0.0.1")).hasSize(1);
        assertThatThrownBy(() -> open.addressesFor("169.254.169.254")).hasMessageContaining("metadata");
        assertThatThrownBy(() -> open.addressesFor("0.0.0.0")).hasMessageContaining("any-local");
        assertThatThrownBy(() -> open.addressesFor("fe80::1")).hasMessageContaining("link-local");
    }

    @Test
    void addressesFor_listedHost_mayResolveToLoopback_othersMayNot() throws Exception {
        AddressPolicy listed = new AddressPolicy(List.of("localhost", "*.internal.example"), false);

        assertThat(listed.addressesFor("localhost")).isNotEmpty();
        assertThatThrownBy(() -> listed.addressesFor("127.0.0.1")).isInstanceOf(AddressPolicy.Refused.class);
        assertThatThrownBy(() -> listed.addressesFor("0.0.0.0")).isInstanceOf(AddressPolicy.Refused.class);
    }
}
