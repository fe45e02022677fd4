import re
from datetime import timedelta

from django.http import JsonResponse
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article

from .models import EditSession

# The change form's script says it is still there this often (it reads the
# figure from each answer), and a tab not heard from for ACTIVE_SECONDS
# (a crash, a lost connection) no longer counts as having the article open.
HEARTBEAT_SECONDS = 15
ACTIVE_SECONDS = 60
# Rows of tabs gone for longer than this are removed by the next heartbeat.
FORGOTTEN_AFTER = timedelta(days=1)

TAB_NAME = re.compile(r"[A-Za-z0-9_-]{8,64}")


def refusal(message, status):
    return JsonResponse({"error": message}, status=status)


@never_cache
@require_POST
def heartbeat(request):
    """The change form of one article says it is open (or, with `leave`, closed); answers who else has it open.

    POST, from staff only, with the admin's CSRF token: `article` (its id),
    `tab` (the tab's own random name) and optionally `leave=1`, which
    navigator.sendBeacon sends when the page goes away.
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return refusal(gettext("Log in to the admin again."), 403)
    if not (user.has_perm("articles.change_article") or user.has_perm("articles.view_article")):
        return refusal(gettext("You may not see this article."), 403)
    article_id, tab = request.POST.get("article", ""), request.POST.get("tab", "")
    if not (article_id.isascii() and article_id.isdigit() and 0 < int(article_id) < 2**63) or not TAB_NAME.fullmatch(
        tab
    ):
        return refusal(gettext("The request did not name an article and a browser tab."), 400)
    article = Article.objects.filter(pk=int(article_id)).first()
    if article is None:
        return refusal(gettext("This article no longer exists."), 404)

    now = timezone.now()
    sessions = EditSession.objects.filter(article=article)
    if request.POST.get("leave"):
        sessions.filter(user=user, tab=tab).delete()
        return JsonResponse({"others": [], "notices": []})
    session, created = EditSession.objects.get_or_create(
        article=article, user=user, tab=tab, defaults={"started_at": now, "last_seen_at": now}
    )
    if not created:
        sessions.filter(pk=session.pk).update(last_seen_at=now)
    EditSession.objects.filter(last_seen_at__lt=now - FORGOTTEN_AFTER).delete()

    others = {}
    live = sessions.open_since(now - timedelta(seconds=ACTIVE_SECONDS)).exclude(user=user).select_related("user")
    for other in live.order_by("started_at"):
        others.setdefault(other.user_id, other)  # each colleague once, from the tab they opened first
    listed = [{"name": name_of(other.user), "since": since(other.started_at, now)} for other in others.values()]
    return JsonResponse(
        {
            "others": listed,
            "notices": [
                gettext("%(name)s is also editing this article (since %(time)s).")
                % {
                    "name": entry["name"],
                    "time": entry["since"],
                }
                for entry in listed
            ],
            "interval": HEARTBEAT_SECONDS,
        }
    )


def name_of(user):
    return user.get_full_name().strip() or user.get_username()


def since(moment, now):
    moment = localtime(moment)
    if moment.date() == localtime(now).date():
        return format_date(moment, "H:i")
    return format_date(moment, "SHORT_DATETIME_FORMAT")
