/**
 * The tailnet's ACL policy (Tailscale-shaped HuJSON: groups, hosts, tagOwners, acls, tests):
 * parsed, validated, self-tested, explained, and evaluated incrementally over the live node set
 * by {@link dev.trellis.coordinator.policy.PolicyState}. A pure library that depends only on
 * protocol; the coordinator's tailnet, admin API and CLI may depend on it.
 */
package dev.trellis.coordinator.policy;
