using System.Globalization;

namespace Composer.Docker.Tests;

/// <summary>Watch subscribes to events from a point in time: sent in the engine's "seconds.nanoseconds" form, not whole seconds.</summary>
public class EngineTimestampTests
{
    [Theory]
    [InlineData("1970-01-01T00:00:00Z", "0.000000000")]
    [InlineData("2026-12-01T10:19:53.2879053Z", "1796120393.287905300")]
    [InlineData("2026-12-01T10:19:53Z", "1796120393.000000000")]
    public void A_time_is_sent_to_the_nanosecond(string time, string expected) =>
        DockerEngine.EngineTimestamp(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture)).Should().Be(expected);

    [Fact]
    public void The_offset_does_not_change_the_instant() =>
        DockerEngine.EngineTimestamp(new DateTimeOffset(2026, 12, 1, 11, 19, 53, TimeSpan.FromHours(1)))
            .Should().Be(DockerEngine.EngineTimestamp(new DateTimeOffset(2026, 12, 1, 10, 19, 53, TimeSpan.Zero)));
}
