using System.Security.Cryptography;
using System.Text;
using Composer.Core.Engine;

namespace Composer.Docker.Tests;

/// <summary>A host's <c>docker_host</c> may name a docker context: its endpoint is read as the docker CLI stores it.</summary>
public sealed class DockerContextTests : IDisposable
{
    private readonly string _config = Directory.CreateTempSubdirectory("composer-dcfg").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    [Fact]
    public void A_context_resolves_to_its_docker_endpoint()
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("lab-c")));
        Directory.CreateDirectory(Path.Combine(_config, "contexts", "meta", id));
        File.WriteAllText(Path.Combine(_config, "contexts", "meta", id, "meta.json"),
            """{"Name":"lab-c","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/hostC/docker.sock","SkipTLSVerify":false}}}""");

        DockerEngine.ContextEndpoint("lab-c", _config).Should().Be(new Uri("unix:///run/hostC/docker.sock"));
    }

    [Fact]
    public void An_unknown_context_says_how_to_list_them()
    {
        var act = () => DockerEngine.ContextEndpoint("nope", _config);
        act.Should().Throw<EngineException>().WithMessage("docker context \"nope\" not found*docker context ls*");
    }
}
