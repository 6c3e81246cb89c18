using Composer.Core.Engine;
using Composer.Core.Hosts;

namespace Composer.Core.Tests.TestSupport;

/// <summary>Multi-host tests: one fake engine per host (the hosts of <see cref="LabHosts.Block"/>).</summary>
public static class FakeHosts
{
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
