using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Loader;

/// <summary>
/// Values Compose gives a meaning that Composer once dropped, checked on the container the real engine created:
/// short volume options (read-only, SELinux label, propagation, nocopy) and a YAML 1.1 boolean where the
/// specification says boolean.
/// </summary>
public class ComposeMeaningTests
{
    private const string Compose = """
        services:
          web:
            image: composer-busybox:1
            init: yes
            command: ["sleep", "2147483647"]
            volumes:
              - ./data:/data:ro,z
              - ./private:/private:rprivate
              - cache:/cache:nocopy
        volumes:
          cache:
        """;

    [Fact]
    public async Task Short_volume_options_and_yaml_1_1_booleans_reach_the_engine()
    {
        await using var project = await TestProject.CreateAsync("meaning", Compose, new Dictionary<string, string>
        {
            ["data/file.txt"] = "data", ["private/file.txt"] = "private",
        });
        await project.RunOkAsync("up", "-d");

        var web = await project.InspectAsync("web");
        web.HostConfig.Init.Should().BeTrue("init: yes is true, as in Compose");
        web.HostConfig.Binds.Should().Contain($"{project.Directory}/data:/data:ro,z")
            .And.Contain($"{project.Directory}/private:/private:rprivate");
        var cache = web.HostConfig.Mounts.Should().ContainSingle(m => m.Target == "/cache").Subject;
        cache.VolumeOptions.NoCopy.Should().BeTrue();
        web.Mounts.Single(m => m.Destination == "/data").RW.Should().BeFalse();
        web.Mounts.Single(m => m.Destination == "/private").Propagation.Should().Be("rprivate");
    }
}
