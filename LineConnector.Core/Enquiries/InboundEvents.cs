using LineConnector.Core.Line.Events;

namespace LineConnector.Core.Enquiries;

/// <summary>What an event does to its conversation's enquiry.</summary>
public enum EventRole
{
    /// <summary>Opens an enquiry (with the welcome message) or continues the open one.</summary>
    Converses,

    /// <summary>Goes to the open enquiry's destination, if there is one; opens none and never makes the connector speak.</summary>
    FollowsUp,

    /// <summary>Not part of a conversation: recorded and left.</summary>
    Ignored,
}

public static class InboundEvents
{
    /// <summary>
    /// A user's message, postback or follow, or the bot joining a group or room, converses. Other events
    /// of a conversation (unfollow, leave, unsend, edits, members joining or leaving, beacons, ...) and
    /// every event in standby mode (another channel has the chat: LINE forbids answering it) follow up.
    /// Events about the account rather than a conversation, and events without a source, are ignored.
    /// </summary>
    public static (EventRole Role, string Why) RoleOf(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var type = $"'{webhookEvent.Type}'";
        if (webhookEvent.Kind is WebhookEventKind.Module or WebhookEventKind.Activated or WebhookEventKind.Deactivated
            or WebhookEventKind.BotSuspended or WebhookEventKind.BotResumed or WebhookEventKind.Delivery)
        {
            return (EventRole.Ignored, $"A {type} event is about the account, not a conversation.");
        }

        if (string.IsNullOrEmpty(webhookEvent.Source?.ConversationId))
        {
            return (EventRole.Ignored, $"The {type} event has no user, group or room as its source.");
        }

        if (webhookEvent.IsStandby)
        {
            return (EventRole.FollowsUp, $"The {type} event is in standby mode: another channel has the chat, so the connector never answers it.");
        }

        return webhookEvent.Kind is WebhookEventKind.Message or WebhookEventKind.Postback or WebhookEventKind.Follow or WebhookEventKind.Join
            ? (EventRole.Converses, $"A {type} event opens or continues an enquiry.")
            : (EventRole.FollowsUp, $"A {type} event goes to an open enquiry's destination but opens none.");
    }
}
