"""Word lists for the generality tests of the cleaning rules (not seed text)."""

# World leaders, officials, places, agencies, companies and media names that
# appear in news about the war in Ukraine and European diplomacy. Many are not
# in any English word list, which is exactly why they must survive glue repair.
NAMES = """
Peskov Zelenskyy Zelensky Zelenskiy Lavrov Scholz Erdogan Shoigu Kuleba Yermak Mishustin Nebenzia
Zakharova Prigozhin Navalny Navalnaya Kadyrov Lukashenko Tokayev Sybiha Shmyhal Budanov Syrskyi
Zaluzhnyi Stoltenberg Rutte Borrell Kallas Tusk Fico Orban Meloni Starmer Sunak Barrot Lecornu Bayrou
Attal Borne Witkoff Rubio Vance Dmitriev Ushakov Medvedev Nabiullina Kiriyenko Volodin Matviyenko
Gerasimov Belousov Patrushev Naryshkin Bortnikov Surovikin Sobyanin Kozak Lavrentiev Polyanskiy
Umerov Reznikov Podolyak Stefanchuk Klitschko Poroshenko Tymoshenko Yanukovych Kuchma Kravchuk
Nuland Blinken Sullivan Austin Kellogg Waltz Hegseth Macron Hollande Sarkozy Villepin Juppe
Merz Baerbock Pistorius Habeck Lindner Steinmeier Merkel Schroeder Faeser Wadephul Klingbeil
Michel Costa Leyen Metsola Dombrovskis Breton Sefcovic Lajcak Szijjarto Babis Nausea Pellegrini
Dzhaparov Mirziyoyev Rahmon Berdimuhamedov Aliyev Pashinyan Kobakhidze Ivanishvili Zourabichvili
Sandu Recean Vucic Dodik Rama Kurti Plenkovic Milanovic Golob Nehammer Stocker Schallenberg
Fidan Kalin Cavusoglu Bahceli Akar Guler Yerlikaya Kurtulmus Imamoglu Ozel Davutoglu
Kyiv Kharkiv Zaporizhzhia Mariupol Bakhmut Avdiivka Pokrovsk Kherson Donetsk Luhansk Crimea
Sevastopol Odesa Mykolaiv Dnipro Lviv Chernihiv Sumy Kupiansk Vuhledar Toretsk Kramatorsk Sloviansk
Belgorod Kursk Sudzha Bryansk Rostov Taganrog Novorossiysk Kaliningrad Transnistria Chisinau
Tbilisi Yerevan Baku Minsk Astana Tashkent Bishkek Dushanbe Ashgabat Melitopol Berdyansk Enerhodar
Nikopol Izium Lyman Soledar Robotyne Krynky Huliaipole Orikhiv Selydove Kurakhove Myrnohrad
Chasiv Marinka Vovchansk Kostiantynivka Siversk Horlivka Makiivka Yenakiieve Alchevsk Stakhanov
Irpin Bucha Hostomel Borodianka Chernobyl Pripyat Uman Vinnytsia Zhytomyr Rivne Lutsk Ternopil
Khmelnytskyi Chernivtsi Uzhhorod Ivano Frankivsk Poltava Kremenchuk Kropyvnytskyi Cherkasy
Ukrenergo Naftogaz Energoatom Rosatom Gazprom Rosneft Roscosmos Rostec Sberbank Aeroflot Lukoil
Novatek Transneft Uralkali Severstal Norilsk Rosgvardia Ukroboronprom Ukrinform Interfax Yandex
Kommersant Izvestia Meduza Novaya Gazeta Vedomosti RBC Rossiya Pervy Kanal Dozhd Ekho Moskvy
Ukrainska Pravda Kyivstar Monobank PrivatBank Ukrposhta Antonov Motor Sich Azovstal Ilyich
Interfax TASS Ukrinform Xinhua Anadolu Yonhap Kyodo Bernama Antara Agerpres Tanjug Armenpress
Kazinform BelTA Sputnik Reuters Bloomberg Politico Euractiv Elysee Bundestag Bundeswehr Verkhovna
Rada Duma Kremlin Matignon Quai Orsay Downing Whitehall Berlaymont Schengen Eurogroup Frontex
Europol Eurojust Rheinmetall Thales Dassault Safran Airbus Leonardo Saab Kongsberg Nammo Patria
Hensoldt Diehl Krauss Maffei Wegmann Nexter KNDS Baykar Bayraktar Aselsan Roketsan Havelsan
Iskander Kinzhal Kalibr Oreshnik Shahed Geran Lancet Kh Zircon Tsirkon Sarmat Avangard Burevestnik
Poseidon Sukhoi Tupolev Ilyushin Mikoyan Kamov Mil Uralvagonzavod Kalashnikov Almaz Antey
Storm Shadow Taurus Himars Patriot Iris Nasams Gepard Leopard Abrams Challenger Bradley Marder
Starlink Telegram VKontakte Odnoklassniki Gosuslugi Roskomnadzor Rosselkhoznadzor Rospotrebnadzor
Mosfilm Bolshoi Mariinsky Hermitage Tretyakov Lubyanka Lefortovo Matrosskaya Tishina Butyrka
Shevchenko Khreshchatyk Maidan Pechersk Obolon Podil Troieshchyna Darnytsia Sviatoshyn Holosiiv
Zelenograd Khimki Mytishchi Podolsk Balashikha Krasnogorsk Odintsovo Lyubertsy Korolyov Reutov
Pskov Novgorod Tver Smolensk Kaluga Tula Ryazan Vladimir Yaroslavl Kostroma Ivanovo Voronezh
Lipetsk Tambov Penza Saratov Samara Ulyanovsk Kazan Cheboksary Yoshkar Izhevsk Perm Ufa Orenburg
Yekaterinburg Chelyabinsk Tyumen Omsk Tomsk Novosibirsk Barnaul Kemerovo Krasnoyarsk Irkutsk
Chita Ulan Ude Khabarovsk Vladivostok Magadan Petropavlovsk Yakutsk Norilsk Murmansk Arkhangelsk
Syktyvkar Petrozavodsk Grozny Makhachkala Nalchik Vladikavkaz Stavropol Krasnodar Sochi Anapa
Kerch Simferopol Yalta Feodosia Dzhankoi Armyansk Saky Yevpatoria Chornomorsk Izmail Reni Vylkove
Ochakiv Kinburn Skadovsk Nova Kakhovka Oleshky Hola Prystan Tokmak Polohy Vasylivka Kamianka
"""

# Rare but real English words that a naive splitter would cut (they end in a common word).
RARE_WORDS = """
interlocutor interlocutors de-escalation escalation counteroffensive ceasefire rapprochement
realpolitik brinkmanship irredentism revanchism détente sabre-rattling warmongering peacekeeping
peacemaker peacebuilding statecraft geopolitics geostrategic multilateralism unilateralism
plenipotentiary ambassadorial consular extraterritorial sovereignty annexation referendum
mobilisation demobilisation conscription conscripts mercenaries paramilitary insurgency shelling
bombardment barrage artillery howitzer drone drones loitering munitions interceptor interceptors
airspace overflight sanctions embargo oligarch oligarchs kleptocracy disinformation propaganda
hybrid cyberattack cyberattacks saboteurs sabotage espionage defector defectors dissident
dissidents exile expatriate emigration refugees displacement humanitarian reconstruction
demining minefields fortifications trenches frontline frontlines breakthrough encirclement
stalemate attrition offensive counterattack withdrawal redeployment reinforcement reinforcements
logistics ammunition stockpiles procurement rearmament deterrence deterrent nonproliferation
denuclearisation brinksmanship ultimatum communique communiqué memorandum roadmap framework
guarantor guarantors guarantees moratorium armistice truce negotiator negotiators mediator
mediators mediation shuttle summitry bilateral trilateral quadrilateral plenary envoy envoys
spokesperson spokeswoman spokesman spokespeople chancellery ministerial parliamentary presidential
prime minister premiership incumbency successor predecessor legitimacy illegitimate usurper
authoritarian autocrat autocracy autocratic dictatorship totalitarian repression crackdown
opposition protesters demonstrators riot police detention detainees prisoners exchange swap
repatriation deportation evacuation evacuees shelter blackout blackouts outage outages grid
substations transformer transformers hydroelectric reservoir dam nuclear reactor reactors
radiation contamination inspectors inspection safeguards enrichment uranium plutonium warhead
warheads ballistic hypersonic cruise subsonic supersonic stealth fighter bomber bombers frigate
corvette submarine submarines destroyer flagship fleet naval blockade corridor corridors grain
fertiliser fertilizer exports imports tariffs levies subsidies inflation devaluation rouble ruble
hryvnia euro eurozone bondholders creditors restructuring default insolvency bailout loan loans
disbursement tranche tranches conditionality oversight audit auditors anticorruption corruption
bribery embezzlement kickbacks procurement whistleblower whistleblowers prosecutor prosecutors
indictment indictments tribunal tribunals jurisdiction extradition impunity accountability
reparations compensation restitution atrocities atrocity massacre genocide war crimes
deportations abductions filtration collaborators collaboration occupation occupiers liberation
partisans resistance sabotage underground stronghold outpost checkpoint checkpoints curfew
martial law emergency decree decrees legislation amendment amendments constitutional
unconstitutional electoral elections ballot ballots turnout polling pollster pollsters
referendum plebiscite secession separatist separatists autonomy federalisation decentralisation
neutrality nonalignment membership accession enlargement candidacy integration interoperability
standardisation commonplace outspoken hitherto henceforth notwithstanding nonetheless nevertheless
meanwhile furthermore moreover whereas whereby thereof therein herein wherein heretofore
forthcoming forthright wholehearted halfhearted lukewarm noncommittal unequivocal unequivocally
categorically emphatically reiterated reiterate underscored underscore downplayed downplay
brushed dismissed lambasted castigated rebuked reprimanded summoned expelled persona non grata
"""


def names() -> list[str]:
    """Return the unique names, in order."""
    return list(dict.fromkeys(NAMES.split()))


def rare_words() -> list[str]:
    """Return the unique rare words, in order."""
    return list(dict.fromkeys(RARE_WORDS.split()))
