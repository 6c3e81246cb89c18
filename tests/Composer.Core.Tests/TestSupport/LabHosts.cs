namespace Composer.Core.Tests.TestSupport;

/// <summary>The host lab's three engines as a file's <c>x-composer.hosts</c> (a, b, c), for multi-host tests on fake engines.</summary>
public static class LabHosts
{
    public const string Block = """
        x-composer:
          hosts:
            a: { docker_host: "unix:///run/hostA/docker.sock", address: "10.99.1.11" }
            b: { docker_host: "unix:///run/hostB/docker.sock", address: "10.99.1.12" }
            c: { docker_host: "unix:///run/hostC/docker.sock", address: "10.99.1.13" }

        """;
}
