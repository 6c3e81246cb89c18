using Composer.Core.Engine;
using Composer.Core.Hosts;

namespace Composer.Core.Tests.TestSupport;

/// <summary>Multi-host tests: the hosts a, b, c of the host lab, and one fake engine per host.</summary>
public static class FakeHosts
{
    /// <summary>The <c>x-composer.hosts</c> block naming a, b, c (the host lab's addresses); services follow it.</summary>
    public const string HostsBlock = """
        x-composer:
          hosts:
            a: { docker_host: "unix:///run/hostA/docker.sock", address: "10.99.1.11" }
            b: { docker_host: "unix:///run/hostB/docker.sock", address: "10.99.1.12" }
            c: { docker_host: "unix:///run/hostC/docker.sock", address: "10.99.1.13" }

        """;

    /// <summary>A fake engine for each host, each with Composer's ambassador image (what up copies there).</summary>
    public static Dictionary<string, FakeEngine> Engines(params string[] hosts) => hosts.ToDictionary(h => h, _ =>
    {
        var engine = new FakeEngine();
        engine.Images[AmbassadorExpansion.Image] = "sha256:amb";
        return engine;
    });

    /// <summary>The same engines as the engine port sees them.</summary>
    public static Dictionary<string, IContainerEngine> AsPorts(this Dictionary<string, FakeEngine> engines) =>
        engines.ToDictionary(kv => kv.Key, kv => (IContainerEngine)kv.Value);
}
