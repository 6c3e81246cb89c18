using System.Text;
using Composer.Core.Loading;

namespace Composer.Core.Tests.Loading;

/// <summary>A large file's services are normalized in pieces on several threads: the result must not show it.</summary>
public class ManyServicesTests
{
    private static readonly int[] Broken = [5, 100, 101, 250, 299];

    private static string File(int services)
    {
        var text = new StringBuilder("services:\n");
        for (var i = 0; i < services; i++)
        {
            text.Append($"  svc{i}:\n    image: busybox\n    environment: {{INDEX: \"{i}\"}}\n");
            if (Broken.Contains(i)) text.Append("    stop_grace_period: soon\n    mem_limit: lots\n");
            if (i > 0) text.Append($"    depends_on: [svc{i - 1}]\n");
        }
        return text.ToString();
    }

    [Fact]
    public void Diagnostics_of_many_services_come_in_document_order_with_their_positions()
    {
        var result = new ProjectLoader(new MemoryFileSource(new Dictionary<string, string> { [$"{LoaderFixture.Root}/compose.yaml"] = File(300) }))
            .Load(new ProjectOptions { WorkingDirectory = LoaderFixture.Root });
        result.Success.Should().BeFalse();
        result.Diagnostics.Select(d => d.Message).Should().Equal(Broken.SelectMany(i => new[]
        {
            $"services.svc{i}.stop_grace_period: 'soon' is not a duration (like 30s, 1m30s, 500ms)",
            $"services.svc{i}.mem_limit: 'lots' is not a byte size (like 512, 64m, 1.5g)",
        }));
        result.Diagnostics.Select(d => d.Position!.Line).Should().BeInAscendingOrder();
    }

    [Fact]
    public void Every_service_of_a_large_file_is_normalized_in_place()
    {
        var result = new ProjectLoader(new MemoryFileSource(new Dictionary<string, string>
        {
            [$"{LoaderFixture.Root}/compose.yaml"] = File(300).Replace("    stop_grace_period: soon\n    mem_limit: lots\n", "", StringComparison.Ordinal),
        })).Load(new ProjectOptions { WorkingDirectory = LoaderFixture.Root });
        result.Success.Should().BeTrue(LoaderFixture.Format(result.Diagnostics));
        var services = result.Project!.Services;
        services.Should().HaveCount(300);
        for (var i = 0; i < 300; i++)
        {
            services[$"svc{i}"].Environment["INDEX"].Should().Be(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            services[$"svc{i}"].DependsOn.Keys.Should().Equal(i == 0 ? [] : [$"svc{i - 1}"]);
        }
    }
}
