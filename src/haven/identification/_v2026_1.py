"""Checklists, version 2026.1: indicator texts in Haven's own words, English and Dutch.

Strengths follow the ILO-EC 2009 Delphi scale where that survey rates a comparable indicator,
and Haven's judgement otherwise (documented in docs/identification.md). Changing a text,
strength or citation means a new version: assessments record the version they were made with.
"""

from __future__ import annotations

from haven.identification._model import (
    Checklist,
    ChecklistKind,
    Element,
    Indicator,
    Strength,
    UrgentNeed,
)
from haven.identification._sources import Citation
from haven.standard import ExploitationForm

__all__ = ["CHECKLISTS", "VERSION"]

VERSION = "2026.1"

E, S, U, F, K = Element, Strength, UrgentNeed, ExploitationForm, ChecklistKind
G, SX, LB, CB, CH = K.GENERAL, K.SEXUAL, K.LABOUR, K.CRIMINALITY_BEGGING, K.CHILD


def _c(source: str, section: str) -> Citation:
    return Citation(source, section)


ILO = "ilo-2012"
DELPHI = "ilo-ec-2009"
EU13 = "eu-2013"
COE = "coe-197"
DIR = "dir-2011-36"
IOM = "iom-2007"

_INDICATORS: tuple[Indicator, ...] = (
    # -- general ----------------------------------------------------------------------------
    Indicator("g-documents", G, E.MEANS, S.STRONG, {
        "en": "Someone else keeps the person's passport or identity papers.",
        "nl": "Iemand anders houdt het paspoort of de identiteitspapieren van de persoon vast."},
        (_c(ILO, "indicator 7, retention of identity documents"),
         _c(DELPHI, "coercion at destination: confiscation of documents"))),
    Indicator("g-movement", G, E.MEANS, S.STRONG, {
        "en": "The person cannot come and go freely, or is always accompanied or watched.",
        "nl": "De persoon kan niet vrij komen en gaan, of wordt steeds begeleid of bewaakt."},
        (_c(ILO, "indicator 3, restriction of movement"),
         _c(DELPHI, "coercion at destination: isolation, confinement or surveillance"))),
    Indicator("g-threats", G, E.MEANS, S.STRONG, {
        "en": "The person or their family has been threatened: with violence, with being "
              "reported to the police or immigration, or with harm at home.",
        "nl": "De persoon of de familie is bedreigd: met geweld, met aangifte bij politie of "
              "vreemdelingendienst, of met schade thuis."},
        (_c(ILO, "indicator 6, intimidation and threats"),
         _c(DELPHI, "coercion at destination: threats of violence against victim or family")),
        urgent=(U.SAFETY,)),
    Indicator("g-violence", G, E.MEANS, S.STRONG, {
        "en": "The person shows signs of physical or sexual violence, or says they were hurt.",
        "nl": "De persoon heeft sporen van lichamelijk of seksueel geweld, of vertelt "
              "verwond te zijn."},
        (_c(ILO, "indicator 5, physical and sexual violence"),
         _c(DELPHI, "coercion at destination: violence on victims")),
        urgent=(U.MEDICAL, U.SAFETY)),
    Indicator("g-debt", G, E.MEANS, S.STRONG, {
        "en": "The person owes a debt to the employer, recruiter or others that keeps growing "
              "or cannot realistically be repaid.",
        "nl": "De persoon heeft een schuld bij werkgever, ronselaar of anderen die blijft "
              "groeien of redelijkerwijs niet af te lossen is."},
        (_c(ILO, "indicator 9, debt bondage"),
         _c(DELPHI, "coercion at destination: debt bondage"))),
    Indicator("g-deception", G, E.MEANS, S.MEDIUM, {
        "en": "The work, pay or conditions differ from what the person was promised.",
        "nl": "Het werk, de betaling of de omstandigheden wijken af van wat de persoon "
              "beloofd is."},
        (_c(ILO, "indicator 2, deception"),
         _c(DELPHI, "deceptive recruitment: deceived about conditions or nature of the job"))),
    Indicator("g-vulnerability", G, E.MEANS, S.MEDIUM, {
        "en": "Someone takes advantage of the person's irregular status, poverty, dependence, "
              "addiction, disability or lack of the language.",
        "nl": "Iemand maakt misbruik van de illegale status, armoede, afhankelijkheid, "
              "verslaving, beperking of taalachterstand van de persoon."},
        (_c(ILO, "indicator 1, abuse of vulnerability"),
         _c(DELPHI, "abuse of vulnerability at destination"),
         _c(DIR, "art. 2(2), position of vulnerability"))),
    Indicator("g-isolation", G, E.MEANS, S.MEDIUM, {
        "en": "The person is kept away from others, does not know their address, or has no "
              "phone of their own.",
        "nl": "De persoon wordt afgezonderd gehouden, kent het eigen adres niet of heeft geen "
              "eigen telefoon."},
        (_c(ILO, "indicator 4, isolation"),)),
    Indicator("g-earnings", G, E.PURPOSE, S.STRONG, {
        "en": "The person's earnings are withheld, taken, or paid to someone else.",
        "nl": "De verdiensten van de persoon worden ingehouden, afgepakt of aan een ander "
              "betaald."},
        (_c(ILO, "indicator 8, withholding of wages"),
         _c(DELPHI, "exploitative conditions of work: no or very low salary"))),
    Indicator("g-scripted", G, E.MEANS, S.WEAK, {
        "en": "The person's story sounds rehearsed, or someone else answers for them.",
        "nl": "Het verhaal van de persoon klinkt ingestudeerd, of een ander antwoordt namens "
              "de persoon."},
        (_c(EU13, "indicators for interviews at consulates and borders"),)),
    Indicator("g-fear-authorities", G, E.MEANS, S.WEAK, {
        "en": "The person is afraid of the police or immigration authorities, or was told not "
              "to trust them.",
        "nl": "De persoon is bang voor politie of vreemdelingendienst, of is verteld hen niet "
              "te vertrouwen."},
        (_c(DELPHI, "abuse of vulnerability at destination"),)),
    Indicator("g-need-shelter", G, E.NEED, S.NONE, {
        "en": "The person has nowhere safe to stay tonight.",
        "nl": "De persoon heeft vannacht geen veilige plek om te verblijven."},
        (_c(COE, "art. 12(1)(a), appropriate and secure accommodation"),
         _c(IOM, "chapter 2, screening and identification")),
        urgent=(U.SHELTER,)),
    Indicator("g-need-medical", G, E.NEED, S.NONE, {
        "en": "The person needs medical care now (injury, illness, pregnancy, withdrawal).",
        "nl": "De persoon heeft nu medische zorg nodig (letsel, ziekte, zwangerschap, "
              "ontwenning)."},
        (_c(COE, "art. 12(1)(b), emergency medical treatment"),
         _c(IOM, "chapter 2, screening and identification")),
        urgent=(U.MEDICAL,)),
    Indicator("g-need-language", G, E.NEED, S.NONE, {
        "en": "The person needs an interpreter to understand their rights and options.",
        "nl": "De persoon heeft een tolk nodig om rechten en mogelijkheden te begrijpen."},
        (_c(COE, "art. 12(1)(c), translation and interpretation services"),),
        urgent=(U.INTERPRETATION,)),
    # -- sexual exploitation ----------------------------------------------------------------
    Indicator("s-no-refuse", SX, E.PURPOSE, S.STRONG, {
        "en": "The person cannot refuse clients or particular acts, unprotected sex included.",
        "nl": "De persoon kan klanten of bepaalde handelingen, ook onveilige seks, niet "
              "weigeren."},
        (_c(DELPHI, "adults for sexual exploitation: exploitative conditions of work"),),
        forms=(F.SEXUAL,)),
    Indicator("s-earnings", SX, E.PURPOSE, S.STRONG, {
        "en": "The person hands over all or most of the money earned from sex work.",
        "nl": "De persoon draagt alle of de meeste inkomsten uit sekswerk af."},
        (_c(DELPHI, "adults for sexual exploitation: coercion at destination"),
         _c(ILO, "indicator 8, withholding of wages")), forms=(F.SEXUAL,)),
    Indicator("s-quota", SX, E.PURPOSE, S.STRONG, {
        "en": "The person must reach a set number of clients or amount of money each day.",
        "nl": "De persoon moet per dag een vast aantal klanten of bedrag halen."},
        (_c(DELPHI, "adults for sexual exploitation: excessive working days or hours"),),
        forms=(F.SEXUAL,)),
    Indicator("s-lives-at-work", SX, E.PURPOSE, S.MEDIUM, {
        "en": "The person sleeps where the sex work takes place.",
        "nl": "De persoon slaapt op de plek waar het sekswerk plaatsvindt."},
        (_c(ILO, "indicator 10, abusive working and living conditions"),), forms=(F.SEXUAL,)),
    Indicator("s-advertised", SX, E.PURPOSE, S.MEDIUM, {
        "en": "Someone else advertises the person online, or controls the ads or the phone "
              "used for bookings.",
        "nl": "Een ander adverteert de persoon online, of beheert de advertenties of de "
              "telefoon voor afspraken."},
        (_c(EU13, "indicators of sexual exploitation"),), forms=(F.SEXUAL,)),
    Indicator("s-moved", SX, E.MEANS, S.MEDIUM, {
        "en": "Others move the person between cities, clubs or addresses, often at short "
              "notice.",
        "nl": "Anderen verplaatsen de persoon tussen steden, clubs of adressen, vaak op korte "
              "termijn."},
        (_c(DELPHI, "adults for sexual exploitation: coercion at destination"),)),
    Indicator("s-loverboy", SX, E.MEANS, S.MEDIUM, {
        "en": "A (supposed) partner recruited the person or arranges and controls the work.",
        "nl": "Een (zogenaamde) partner heeft de persoon geronseld of regelt en controleert "
              "het werk."},
        (_c(DELPHI, "adults for sexual exploitation: deceptive recruitment"),)),
    Indicator("s-substances", SX, E.MEANS, S.MEDIUM, {
        "en": "The person is given drugs or alcohol to keep them working.",
        "nl": "De persoon krijgt drugs of alcohol om door te blijven werken."},
        (_c(DELPHI, "coercion at destination: forced use of drugs"),), urgent=(U.MEDICAL,)),
    # -- labour exploitation ----------------------------------------------------------------
    Indicator("l-wages", LB, E.PURPOSE, S.STRONG, {
        "en": "Wages are far below what was agreed or the legal minimum, paid irregularly, or "
              "not paid at all.",
        "nl": "Het loon ligt ver onder het afgesproken of wettelijke minimum, wordt "
              "onregelmatig of helemaal niet betaald."},
        (_c(ILO, "indicator 8, withholding of wages"),), forms=(F.LABOUR,)),
    Indicator("l-cannot-leave", LB, E.MEANS, S.STRONG, {
        "en": "The person cannot leave the job without losing money or papers, or being "
              "punished.",
        "nl": "De persoon kan niet stoppen met het werk zonder geld of papieren te verliezen, "
              "of gestraft te worden."},
        (_c(ILO, "indicator 6, intimidation and threats"),
         _c(DELPHI, "coercion at destination: impossibility of leaving employer"))),
    Indicator("l-hours", LB, E.PURPOSE, S.MEDIUM, {
        "en": "The person works far longer hours than agreed or allowed, without a choice.",
        "nl": "De persoon werkt veel langer dan afgesproken of toegestaan, zonder keuze."},
        (_c(ILO, "indicator 11, excessive overtime"),), forms=(F.LABOUR,)),
    Indicator("l-conditions", LB, E.PURPOSE, S.MEDIUM, {
        "en": "Work or housing is degrading or dangerous: no protective gear, overcrowded "
              "rooms, no rest.",
        "nl": "Werk of huisvesting is vernederend of gevaarlijk: geen beschermingsmiddelen, "
              "overvolle kamers, geen rust."},
        (_c(ILO, "indicator 10, abusive working and living conditions"),), forms=(F.LABOUR,)),
    Indicator("l-injury-untreated", LB, E.PURPOSE, S.MEDIUM, {
        "en": "The person was hurt at work and was not allowed or able to get medical care.",
        "nl": "De persoon raakte gewond op het werk en mocht of kon geen medische zorg "
              "krijgen."},
        (_c(ILO, "indicator 10, abusive working and living conditions"),),
        forms=(F.LABOUR,), urgent=(U.MEDICAL,)),
    Indicator("l-domestic", LB, E.PURPOSE, S.STRONG, {
        "en": "The person lives in the employer's household and works there without time off "
              "or privacy.",
        "nl": "De persoon woont in het huishouden van de werkgever en werkt daar zonder vrije "
              "tijd of privacy."},
        (_c(DELPHI, "adults for labour exploitation: exploitative conditions of work"),
         _c(ILO, "indicator 4, isolation")), forms=(F.DOMESTIC_SERVITUDE,)),
    Indicator("l-deductions", LB, E.MEANS, S.MEDIUM, {
        "en": "Large deductions for housing, transport, tools or fees leave little or nothing "
              "of the pay.",
        "nl": "Hoge inhoudingen voor huisvesting, vervoer, gereedschap of kosten laten weinig "
              "of niets van het loon over."},
        (_c(ILO, "indicator 9, debt bondage"),)),
    Indicator("l-housing", LB, E.MEANS, S.MEDIUM, {
        "en": "The employer provides the housing and the person cannot choose to live "
              "elsewhere.",
        "nl": "De werkgever regelt de huisvesting en de persoon kan niet kiezen ergens anders "
              "te wonen."},
        (_c(ILO, "indicator 3, restriction of movement"),)),
    Indicator("l-recruitment-fee", LB, E.MEANS, S.MEDIUM, {
        "en": "The person paid a recruitment fee or travel costs to get the job.",
        "nl": "De persoon betaalde bemiddelingskosten of reiskosten om het werk te krijgen."},
        (_c(DELPHI, "adults for labour exploitation: deceptive recruitment"),)),
    Indicator("l-no-contract", LB, E.MEANS, S.WEAK, {
        "en": "There is no contract, or it is in a language the person does not read, or it "
              "was replaced after arrival.",
        "nl": "Er is geen contract, of het is in een taal die de persoon niet leest, of het "
              "is na aankomst vervangen."},
        (_c(ILO, "indicator 2, deception"),)),
    # -- forced criminality and begging -----------------------------------------------------
    Indicator("c-crime-instructed", CB, E.PURPOSE, S.STRONG, {
        "en": "The person commits offences (theft, drug dealing or growing, fraud) on others' "
              "instructions.",
        "nl": "De persoon pleegt strafbare feiten (diefstal, drugshandel of -teelt, fraude) "
              "in opdracht van anderen."},
        (_c(DIR, "art. 2(3), exploitation of criminal activities"),
         _c(EU13, "indicators of forced criminal activities")),
        forms=(F.FORCED_CRIMINALITY,)),
    Indicator("c-crime-site", CB, E.PURPOSE, S.STRONG, {
        "en": "The person is locked in or lives where drugs are grown or stored.",
        "nl": "De persoon wordt opgesloten of woont waar drugs worden gekweekt of opgeslagen."},
        (_c(DIR, "art. 2(3), exploitation of criminal activities"),
         _c(ILO, "indicator 3, restriction of movement")),
        forms=(F.FORCED_CRIMINALITY,), urgent=(U.SAFETY,)),
    Indicator("c-crime-no-benefit", CB, E.PURPOSE, S.MEDIUM, {
        "en": "The person keeps little or none of what the offences bring in.",
        "nl": "De persoon houdt weinig of niets over van wat de strafbare feiten opleveren."},
        (_c(DIR, "art. 2(3), exploitation of criminal activities"),),
        forms=(F.FORCED_CRIMINALITY,)),
    Indicator("c-crime-debt", CB, E.MEANS, S.STRONG, {
        "en": "The person must commit offences to pay off a debt or to escape punishment.",
        "nl": "De persoon moet strafbare feiten plegen om een schuld af te lossen of straf te "
              "ontlopen."},
        (_c(ILO, "indicator 9, debt bondage"),
         _c(COE, "art. 26, non-punishment provision"))),
    Indicator("c-repeat-arrest", CB, E.MEANS, S.WEAK, {
        "en": "The person has been arrested repeatedly for similar offences, with the same "
              "people paying fines or bail.",
        "nl": "De persoon is herhaaldelijk aangehouden voor soortgelijke feiten, waarbij "
              "steeds dezelfden boetes of borg betalen."},
        (_c(EU13, "indicators of forced criminal activities"),)),
    Indicator("c-begging-handover", CB, E.PURPOSE, S.STRONG, {
        "en": "The person begs and hands the proceeds over to others.",
        "nl": "De persoon bedelt en draagt de opbrengst af aan anderen."},
        (_c(DIR, "art. 2(3), forced begging"),
         _c(ILO, "indicator 8, withholding of wages")), forms=(F.FORCED_BEGGING,)),
    Indicator("c-begging-transported", CB, E.MEANS, S.MEDIUM, {
        "en": "Others bring the person to begging spots and collect them afterwards.",
        "nl": "Anderen brengen de persoon naar bedelplekken en halen de persoon weer op."},
        (_c(DIR, "art. 2(3), forced begging"),
         _c(ILO, "indicator 3, restriction of movement"))),
    Indicator("c-begging-disability", CB, E.MEANS, S.MEDIUM, {
        "en": "The person's disability or injury, or a child with them, is used to draw "
              "money.",
        "nl": "De beperking of verwonding van de persoon, of een kind bij de persoon, wordt "
              "gebruikt om geld los te krijgen."},
        (_c(ILO, "indicator 1, abuse of vulnerability"),
         _c(DIR, "art. 2(3), forced begging"))),
    # -- child-specific ---------------------------------------------------------------------
    Indicator("k-minor", CH, E.CHILD_STATUS, S.NONE, {
        "en": "The person is under 18.",
        "nl": "De persoon is jonger dan 18 jaar."},
        (_c(DIR, "art. 2(6), child means a person below 18"),
         _c(COE, "art. 4(d), child")), urgent=(U.GUARDIAN,)),
    Indicator("k-age-uncertain", CH, E.CHILD_STATUS, S.NONE, {
        "en": "The person may be under 18, but their age is uncertain or disputed.",
        "nl": "De persoon is mogelijk jonger dan 18, maar de leeftijd is onzeker of betwist."},
        (_c(DIR, "art. 13(2), presumption of childhood when age is uncertain"),
         _c(COE, "art. 10(3), presumed a child pending verification of age")),
        urgent=(U.GUARDIAN,)),
    Indicator("k-unaccompanied", CH, E.CHILD_STATUS, S.NONE, {
        "en": "The child is in this country without a parent or legal guardian.",
        "nl": "Het kind is in dit land zonder ouder of wettelijk voogd."},
        (_c(DIR, "art. 16(3), guardian for an unaccompanied child victim"),
         _c(COE, "art. 10(4)(a), legal guardian for an unaccompanied child")),
        urgent=(U.GUARDIAN, U.SHELTER)),
    Indicator("k-working", CH, E.PURPOSE, S.STRONG, {
        "en": "The child works, begs, sells goods, commits offences or takes part in sexual "
              "activity for money or goods.",
        "nl": "Het kind werkt, bedelt, verkoopt spullen, pleegt strafbare feiten of neemt "
              "deel aan seksuele handelingen voor geld of goederen."},
        (_c(DELPHI, "children for labour exploitation / children for sexual exploitation: "
                    "exploitation"),
         _c(DIR, "art. 2(5), no means needed for a child"))),
    Indicator("k-adult-control", CH, E.MEANS, S.MEDIUM, {
        "en": "An adult who is not the child's parent decides where the child lives, works or "
              "goes.",
        "nl": "Een volwassene die niet de ouder is, bepaalt waar het kind woont, werkt of "
              "heen gaat."},
        (_c(DELPHI, "children: coercion at destination"),)),
    Indicator("k-false-documents", CH, E.MEANS, S.MEDIUM, {
        "en": "The child travels on false papers, or with an adult who claims to be family "
              "without proof.",
        "nl": "Het kind reist met valse papieren, of met een volwassene die zonder bewijs "
              "zegt familie te zijn."},
        (_c(EU13, "indicators concerning children"),)),
    Indicator("k-missing-from-care", CH, E.MEANS, S.MEDIUM, {
        "en": "The child has gone missing from a shelter or care before.",
        "nl": "Het kind is eerder verdwenen uit een opvang of jeugdzorginstelling."},
        (_c(EU13, "indicators concerning children"),), urgent=(U.SAFETY,)),
    Indicator("k-no-school", CH, E.PURPOSE, S.WEAK, {
        "en": "The child does not go to school and cannot say why.",
        "nl": "Het kind gaat niet naar school en kan niet zeggen waarom."},
        (_c(DELPHI, "children for labour exploitation: exploitative conditions"),)),
)

_TITLES = {
    G: {"en": "General indicators", "nl": "Algemene indicatoren"},
    SX: {"en": "Sexual exploitation", "nl": "Seksuele uitbuiting"},
    LB: {"en": "Labour exploitation", "nl": "Arbeidsuitbuiting"},
    CB: {"en": "Forced criminality and begging", "nl": "Gedwongen criminaliteit en bedelarij"},
    CH: {"en": "Child-specific indicators", "nl": "Indicatoren bij kinderen"},
}

CHECKLISTS: dict[ChecklistKind, Checklist] = {
    kind: Checklist(kind, VERSION, titles,
                    tuple(i for i in _INDICATORS if i.checklist is kind))
    for kind, titles in _TITLES.items()
}
